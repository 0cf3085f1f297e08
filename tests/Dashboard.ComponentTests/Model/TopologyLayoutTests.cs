using Dashboard.ComponentTests.Fakes;

namespace Dashboard.ComponentTests.Model;

public sealed class TopologyLayoutTests
{
    private static readonly TopologyDrawing Drawing = TopologyLayout.Compute(SampleTopology.Graph);

    private static TopologyBox BoxOf(TopologyDrawing drawing, string id) => drawing.Boxes.Single(b => b.NodeId == id);

    private static bool Overlap(TopologyBox a, TopologyBox b) => a.X < b.Right && b.X < a.Right && a.Y < b.Bottom && b.Y < a.Bottom;

    private static bool Inside(TopologyBox inner, TopologyBox frame) =>
        inner.X >= frame.X && inner.Right <= frame.Right && inner.Y >= frame.Y && inner.Bottom <= frame.Bottom;

    [Fact]
    public void Puts_each_kind_in_its_column()
    {
        Assert.Equal(TopologyLayout.NetworkColumn, BoxOf(Drawing, SampleTopology.MyNetwork).Column);
        Assert.Equal(TopologyLayout.BridgeColumn, BoxOf(Drawing, SampleTopology.BrMyNetwork).Column);
        Assert.Equal(TopologyLayout.HostVethColumn, BoxOf(Drawing, SampleTopology.Web1HostVeth).Column);
        Assert.Equal(TopologyLayout.InterfaceColumn, BoxOf(Drawing, SampleTopology.Web1Eth0).Column);
        Assert.Equal(TopologyLayout.ContainerColumn, BoxOf(Drawing, SampleTopology.ContainerId("web1")).Column);
        var columns = Drawing.Boxes.Select(b => b.Column).Distinct().Order().Select(c => TopologyLayout.ColumnX(c)).ToList();
        Assert.Equal(columns.Order(), columns);
    }

    [Fact]
    public void Boxes_do_not_overlap_except_containers_inside_their_namespace_frame()
    {
        var boxes = Drawing.Boxes.Where(b => !b.IsFrame).ToList();
        foreach (var a in boxes)
        {
            Assert.All(boxes.Where(b => b != a), b => Assert.False(Overlap(a, b), $"{a.NodeId} overlaps {b.NodeId}"));
        }

        var frames = Drawing.Boxes.Where(b => b.IsFrame).ToList();
        foreach (var a in frames)
        {
            Assert.All(frames.Where(b => b != a), b => Assert.False(Overlap(a, b), $"{a.NodeId} overlaps {b.NodeId}"));
        }

        var web1Frame = BoxOf(Drawing, SampleTopology.Web1Netns);
        Assert.True(Inside(BoxOf(Drawing, SampleTopology.ContainerId("web1")), web1Frame));
        Assert.True(Inside(BoxOf(Drawing, SampleTopology.ContainerId("web1-debug")), web1Frame));
    }

    [Fact]
    public void Every_segment_joins_two_drawn_boxes_at_their_sides()
    {
        var byId = Drawing.Boxes.ToDictionary(b => b.NodeId);
        Assert.NotEmpty(Drawing.Segments);
        foreach (var s in Drawing.Segments)
        {
            Assert.True(byId.TryGetValue(s.Source, out var source), s.EdgeId);
            Assert.True(byId.TryGetValue(s.Target, out var target), s.EdgeId);
            Assert.Contains(s.X1, new[] { source.X, source.Right });
            Assert.Contains(s.X2, new[] { target.X, target.Right });
            Assert.InRange(s.Y1, source.Y, source.Bottom);
            Assert.InRange(s.Y2, target.Y, target.Bottom);
        }
    }

    [Fact]
    public void Draws_the_chain_from_a_container_interface_to_its_network()
    {
        var edges = Drawing.Segments.Select(s => (s.Kind, s.Source, s.Target)).ToHashSet();
        Assert.Contains((TopologyEdgeKinds.Veth, SampleTopology.Web1Eth0, SampleTopology.Web1HostVeth), edges);
        Assert.Contains((TopologyEdgeKinds.BridgePort, SampleTopology.Web1HostVeth, SampleTopology.BrMyNetwork), edges);
        Assert.Contains((TopologyEdgeKinds.MemberOf, SampleTopology.BrMyNetwork, SampleTopology.MyNetwork), edges);
        Assert.Contains((TopologyEdgeKinds.MemberOf, SampleTopology.Web1Eth0, SampleTopology.Web1Netns), edges);
        // The wire through the bridge says it already; a direct line would cross every group.
        Assert.DoesNotContain(Drawing.Segments, s => s.Kind == TopologyEdgeKinds.InNetwork);
    }

    [Fact]
    public void Leaves_out_loopbacks_and_empty_networks_and_draws_the_hosts_nic_only_in_the_namespaces_band()
    {
        var labels = Drawing.Boxes.Select(b => b.Title).ToList();
        Assert.DoesNotContain("lo", labels);
        Assert.DoesNotContain(Drawing.Boxes, b => b.NodeId == $"network:{SampleTopology.HostNetworkId}");
        Assert.Equal(TopologyLayout.NamespaceBand, BoxOf(Drawing, SampleTopology.HostEth0).Column);
        Assert.True(Inside(BoxOf(Drawing, SampleTopology.HostEth0), BoxOf(Drawing, "host")));

        var without = TopologyLayout.Compute(SampleTopology.Graph, new TopologyView { ShowNamespacesWithoutContainers = false });
        Assert.DoesNotContain(without.Boxes, b => b.NodeId == SampleTopology.HostEth0 || b.Title == "lo");
    }

    [Fact]
    public void Stacks_network_groups_by_name_with_their_containers_beside_them()
    {
        Assert.Equal(["bridge", "mynetwork", TopologyLayout.NamespacesLabel], Drawing.Groups.Select(g => g.Label));
        var bridge = Drawing.Groups[0];
        var mynetwork = Drawing.Groups[1];
        Assert.True(bridge.Y + bridge.Height <= mynetwork.Y);

        bool In(TopologyGroup g, string id) => BoxOf(Drawing, id).Y >= g.Y && BoxOf(Drawing, id).Bottom <= g.Y + g.Height;
        Assert.True(In(mynetwork, SampleTopology.ContainerId("web1")));
        Assert.True(In(mynetwork, SampleTopology.ContainerId("web2")));
        Assert.True(In(mynetwork, SampleTopology.MyNetwork));
        Assert.True(In(bridge, SampleTopology.ContainerId("pidtool")));
        Assert.True(In(bridge, SampleTopology.Docker0));
    }

    [Fact]
    public void Filters_by_network_and_container_name()
    {
        var mine = TopologyLayout.Compute(SampleTopology.Graph, new TopologyView { NetworkId = SampleTopology.MyNetwork });
        Assert.Equal(["mynetwork"], mine.Groups.Select(g => g.Label));
        Assert.DoesNotContain(mine.Boxes, b => b.NodeId == SampleTopology.ContainerId("pidtool"));

        var web2 = TopologyLayout.Compute(SampleTopology.Graph, new TopologyView { ContainerQuery = "WEB2" });
        Assert.Equal([SampleTopology.ContainerId("web2")], web2.Boxes.Where(b => b.Kind == TopologyNodeKinds.Container).Select(b => b.NodeId));
        Assert.Equal(0, web2.Groups[0].Y - TopologyLayout.Margin);
    }

    [Fact]
    public void Interfaces_show_their_first_address_and_containers_their_netns_inode()
    {
        Assert.Equal("172.18.0.2/16", BoxOf(Drawing, SampleTopology.Web1Eth0).Subtitle);
        Assert.Equal($"net:[{SampleData.Web1Net}]", BoxOf(Drawing, SampleTopology.ContainerId("web1")).Subtitle);
        Assert.Equal("172.18.0.0/16", BoxOf(Drawing, SampleTopology.MyNetwork).Subtitle);
    }

    [Fact]
    public void Subtitles_leave_out_link_local_addresses()
    {
        var veth = SampleTopology.Graph.Nodes.Single(n => n.Id == SampleTopology.Web1HostVeth);
        var bridge = SampleTopology.Graph.Nodes.Single(n => n.Id == SampleTopology.BrMyNetwork);
        var graph = SampleTopology.Graph with
        {
            Nodes = SampleTopology.Graph.Nodes.Select(n =>
                n == veth ? n with { Details = new Dictionary<string, string>(n.Details) { ["addresses"] = "fe80::1c2b:3aff:fe4d:5e6f/64" } }
                : n == bridge ? n with { Details = new Dictionary<string, string>(n.Details) { ["addresses"] = "fe80::42:1/64, 172.18.0.1/16" } }
                : n).ToList(),
        };

        var drawing = TopologyLayout.Compute(graph);

        Assert.Null(BoxOf(drawing, SampleTopology.Web1HostVeth).Subtitle);
        Assert.Equal("172.18.0.1/16", BoxOf(drawing, SampleTopology.BrMyNetwork).Subtitle);
    }

    [Fact]
    public void Namespaces_without_containers_are_labelled_frames_around_their_interfaces_in_a_band_of_their_own()
    {
        var band = Assert.Single(Drawing.Groups, g => g.Label == TopologyLayout.NamespacesLabel);
        Assert.Equal("Network namespaces without containers", band.Caption);
        Assert.True(Drawing.Groups.Where(g => g != band).All(g => g.Y + g.Height <= band.Y), "the band comes after the Docker networks");

        var frames = new[] { ("host", "host", 0UL), (SampleTopology.BlueNetns, "ip netns blue", SampleTopology.BlueNet),
            (SampleTopology.RedNetns, "ip netns red", SampleTopology.RedNet), (SampleTopology.HiddenNetns, "ip netns x", SampleData.HiddenNet),
            (SampleTopology.UnsharedNetns, "pid 4242: sleep 3000", SampleTopology.UnsharedNet) };
        foreach (var (id, title, inode) in frames)
        {
            var frame = Assert.Single(Drawing.Boxes, b => b.NodeId == id && b.Column == TopologyLayout.NamespaceBand);
            Assert.True(frame.IsFrame && frame.HeaderHeight > 0, id);
            Assert.Equal(title, frame.Title);
            Assert.Equal(id == "host" ? $"net:[{SampleData.Initial[NamespaceType.Net]}]" : $"net:[{inode}]", frame.Subtitle);
            Assert.InRange(frame.Y, band.Y, band.Y + band.Height);
            Assert.InRange(frame.Bottom, band.Y, band.Y + band.Height);
        }

        // Each interface sits below its frame's title, inside the frame; lo-only frames say so instead.
        foreach (var (frame, inner) in new[] { ("host", SampleTopology.HostVethBlue), ("host", SampleTopology.HostEth0),
            (SampleTopology.BlueNetns, SampleTopology.BlueFromHost), (SampleTopology.BlueNetns, SampleTopology.BlueToRed),
            (SampleTopology.RedNetns, SampleTopology.RedFromBlue) })
        {
            var outer = Drawing.Boxes.Single(b => b.NodeId == frame && b.Column == TopologyLayout.NamespaceBand);
            Assert.True(Inside(BoxOf(Drawing, inner), outer), $"{inner} in {frame}");
            Assert.True(BoxOf(Drawing, inner).Y >= outer.Y + outer.HeaderHeight, inner);
        }

        Assert.Equal("no interface but lo", BoxOf(Drawing, SampleTopology.HiddenNetns).Note);
        Assert.Equal("no interface but lo", BoxOf(Drawing, SampleTopology.UnsharedNetns).Note);
        Assert.Null(BoxOf(Drawing, SampleTopology.BlueNetns).Note);
        Assert.Equal("10.9.0.2/30", BoxOf(Drawing, SampleTopology.BlueFromHost).Subtitle);
    }

    [Fact]
    public void Veth_wires_run_left_to_right_from_the_host_through_blue_to_red()
    {
        var byId = Drawing.Segments.ToDictionary(s => (s.Source, s.Target));
        var hostToBlue = byId[(SampleTopology.HostVethBlue, SampleTopology.BlueFromHost)];
        var blueToRed = byId[(SampleTopology.BlueToRed, SampleTopology.RedFromBlue)];
        Assert.Equal((TopologyEdgeKinds.Veth, TopologyEdgeKinds.Veth), (hostToBlue.Kind, blueToRed.Kind));

        var host = Drawing.Boxes.Single(b => b.NodeId == "host" && b.Column == TopologyLayout.NamespaceBand);
        var blue = BoxOf(Drawing, SampleTopology.BlueNetns);
        var red = BoxOf(Drawing, SampleTopology.RedNetns);
        Assert.True(host.Right < blue.X && blue.Right < red.X, "host, blue and red stand left to right");
        // Wires leave the facing sides, so no wire runs across a frame.
        Assert.Equal((BoxOf(Drawing, SampleTopology.HostVethBlue).Right, BoxOf(Drawing, SampleTopology.BlueFromHost).X), (hostToBlue.X1, hostToBlue.X2));
        Assert.Equal((BoxOf(Drawing, SampleTopology.BlueToRed).Right, BoxOf(Drawing, SampleTopology.RedFromBlue).X), (blueToRed.X1, blueToRed.X2));
        // Inside a labelled frame, membership is shown by the frame, not by a line.
        Assert.DoesNotContain(Drawing.Segments, s => s.Target == SampleTopology.BlueNetns || s.Target == SampleTopology.RedNetns);
    }

    [Fact]
    public void The_namespaces_band_can_be_switched_off_and_a_network_filter_leaves_it_out()
    {
        foreach (var view in new[] { new TopologyView { ShowNamespacesWithoutContainers = false }, new TopologyView { NetworkId = SampleTopology.MyNetwork } })
        {
            var drawing = TopologyLayout.Compute(SampleTopology.Graph, view);
            Assert.DoesNotContain(drawing.Groups, g => g.Label == TopologyLayout.NamespacesLabel);
            Assert.DoesNotContain(drawing.Boxes, b => b.Column == TopologyLayout.NamespaceBand);
            Assert.True(drawing.Height < Drawing.Height);
        }
    }

    [Fact]
    public void The_name_filter_keeps_matching_namespaces_and_the_ones_wired_to_them()
    {
        var red = TopologyLayout.Compute(SampleTopology.Graph, new TopologyView { ContainerQuery = "NETNS RED" });

        Assert.Equal(
            [SampleTopology.BlueNetns, SampleTopology.RedNetns],
            red.Boxes.Where(b => b.IsFrame && b.Column == TopologyLayout.NamespaceBand).Select(b => b.NodeId).Order(StringComparer.Ordinal));
        Assert.Contains(red.Segments, s => s.Source == SampleTopology.BlueToRed && s.Target == SampleTopology.RedFromBlue);
        Assert.DoesNotContain(red.Boxes, b => b.Kind == TopologyNodeKinds.Container);
    }

    [Fact]
    public void The_host_drawn_around_host_network_containers_and_in_the_band_gets_two_keys()
    {
        var hostc = new TopologyNode { Id = "container:hostc", Kind = TopologyNodeKinds.Container, Label = "hostc", Details = new Dictionary<string, string>() };
        var graph = SampleTopology.Graph with
        {
            Nodes = [.. SampleTopology.Graph.Nodes, hostc],
            Edges = [.. SampleTopology.Graph.Edges, new TopologyEdge { Id = "m", Source = hostc.Id, Target = "host", Kind = TopologyEdgeKinds.MemberOf }],
        };

        var drawing = TopologyLayout.Compute(graph);

        var hosts = drawing.Boxes.Where(b => b.NodeId == "host").ToList();
        Assert.Equal([TopologyLayout.ContainerColumn, TopologyLayout.NamespaceBand], hosts.Select(b => b.Column));
        Assert.Equal(["host", "host@namespaces"], hosts.Select(b => b.Key));
        Assert.Equal(drawing.Boxes.Count, drawing.Boxes.Select(b => b.Key).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void An_empty_graph_draws_nothing()
    {
        var empty = TopologyLayout.Compute(new TopologyGraph { Nodes = [], Edges = [] });
        Assert.Empty(empty.Boxes);
        Assert.Empty(empty.Segments);
        Assert.True(empty.Height > 0);
    }

    [Fact]
    public void Reachability_names_the_other_side_of_reachable_pairs_only()
    {
        Assert.Equal(["web1-debug", "web2"], ReachabilityDisplay.ReachableFrom(SampleTopology.Reachability, "web1").Order());
        Assert.Equal(["remapped"], ReachabilityDisplay.ReachableFrom(SampleTopology.Reachability, "pidtool"));
        Assert.Empty(ReachabilityDisplay.ReachableFrom(null, "web1"));
    }
}
