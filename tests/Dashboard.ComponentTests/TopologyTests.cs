using Dashboard.Client.Pages;
using Dashboard.ComponentTests.Fakes;
using MudBlazor;

namespace Dashboard.ComponentTests;

public sealed class TopologyTests : DashboardTest
{
    private IRenderedComponent<Topology> RenderLoaded()
    {
        var cut = RenderPage<Topology>();
        cut.WaitForState(() => cut.FindAll("[data-testid^='node-']").Count > 0);
        return cut;
    }

    private static AngleSharp.Dom.IElement Node(IRenderedComponent<Topology> cut, string id) => cut.Find($"[data-testid='node-{id}']");

    private static bool Drawn(IRenderedComponent<Topology> cut, string testId) => cut.FindAll($"[data-testid='{testId}']").Count > 0;

    [Fact]
    public void Draws_nodes_and_the_edges_between_them()
    {
        var cut = RenderLoaded();

        Assert.Equal("container", Node(cut, SampleTopology.ContainerId("web1")).GetAttribute("data-kind"));
        Assert.Equal("bridge", Node(cut, SampleTopology.BrMyNetwork).GetAttribute("data-kind"));
        Assert.Equal("network", Node(cut, SampleTopology.MyNetwork).GetAttribute("data-kind"));
        Assert.Contains("172.18.0.2/16", Node(cut, SampleTopology.Web1Eth0).TextContent);
        Assert.Contains($"net:[{SampleData.Web1Net}]", Node(cut, SampleTopology.ContainerId("web1")).TextContent);

        var veth = cut.Find($"[data-testid='edge-{SampleTopology.Web1Eth0}-{SampleTopology.Web1HostVeth}']");
        Assert.Equal("veth", veth.GetAttribute("data-kind"));
        Assert.Contains("veth", veth.ClassName);
        Assert.Equal("bridge-port", cut.Find($"[data-testid='edge-{SampleTopology.Web1HostVeth}-{SampleTopology.BrMyNetwork}']").GetAttribute("data-kind"));
        Assert.Equal("member-of", cut.Find($"[data-testid='edge-{SampleTopology.BrMyNetwork}-{SampleTopology.MyNetwork}']").GetAttribute("data-kind"));
        Assert.Contains("no packet was sent", cut.Find("[data-testid=reachability-note]").TextContent);
    }

    [Fact]
    public void Clicking_a_node_shows_its_details()
    {
        var cut = RenderLoaded();
        Assert.False(Drawn(cut, "node-details"));

        Node(cut, SampleTopology.BrMyNetwork).Click();

        Assert.Equal("br-5e2f0a1c7d33", cut.Find("[data-testid=details-label]").TextContent.Trim());
        Assert.Equal("bridge", cut.Find("[data-testid=details-kind]").TextContent.Trim());
        Assert.Contains("172.18.0.1/16", cut.Find("[data-testid=detail-addresses]").TextContent);
        Assert.Contains("selected", Node(cut, SampleTopology.BrMyNetwork).ClassName);
    }

    [Fact]
    public async Task The_network_filter_hides_the_other_groups()
    {
        var cut = RenderLoaded();
        Assert.True(Drawn(cut, $"node-{SampleTopology.ContainerId("pidtool")}"));

        await cut.InvokeAsync(() => cut.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync(SampleTopology.MyNetwork));

        Assert.True(Drawn(cut, $"node-{SampleTopology.ContainerId("web1")}"));
        Assert.True(Drawn(cut, $"node-{SampleTopology.ContainerId("web2")}"));
        Assert.False(Drawn(cut, $"node-{SampleTopology.ContainerId("pidtool")}"));
        Assert.False(Drawn(cut, $"node-{SampleTopology.Docker0}"));
    }

    [Fact]
    public void The_name_filter_keeps_only_matching_containers()
    {
        var cut = RenderLoaded();

        cut.FindComponent<MudTextField<string>>().Find("input").Input("pidtool");

        Assert.True(Drawn(cut, $"node-{SampleTopology.ContainerId("pidtool")}"));
        Assert.False(Drawn(cut, $"node-{SampleTopology.ContainerId("remapped")}"));
        Assert.False(Drawn(cut, $"node-{SampleTopology.ContainerId("web1")}"));
    }

    [Fact]
    public void Selecting_web1_highlights_what_it_can_reach()
    {
        var cut = RenderLoaded();

        Node(cut, SampleTopology.ContainerId("web1")).Click();

        Assert.Contains("reachable", Node(cut, SampleTopology.ContainerId("web2")).ClassList);
        Assert.Contains("reachable", Node(cut, SampleTopology.ContainerId("web1-debug")).ClassList);
        Assert.DoesNotContain("reachable", Node(cut, SampleTopology.ContainerId("pidtool")).ClassList);
        Assert.DoesNotContain("reachable", Node(cut, SampleTopology.ContainerId("web1")).ClassList);
        Assert.Contains("web2", cut.Find("[data-testid=reachable-summary]").TextContent);
    }

    [Fact]
    public void Draws_namespaces_without_containers_as_labelled_frames_with_their_wires()
    {
        var cut = RenderLoaded();

        var blue = Node(cut, SampleTopology.BlueNetns);
        Assert.Equal("netns", blue.GetAttribute("data-kind"));
        Assert.Contains("labelled", blue.ClassList);
        Assert.Contains("ip netns blue", blue.TextContent);
        Assert.Contains($"net:[{SampleTopology.BlueNet}]", blue.TextContent);
        Assert.Contains("pid 4242: sleep 3000", Node(cut, SampleTopology.UnsharedNetns).TextContent);
        Assert.Contains("no interface but lo", Node(cut, SampleTopology.HiddenNetns).TextContent);
        Assert.Equal("host", Node(cut, "host").GetAttribute("data-kind"));
        Assert.Contains("10.9.0.1/30", Node(cut, SampleTopology.HostVethBlue).TextContent);
        Assert.Contains("eth-host", Node(cut, SampleTopology.BlueFromHost).TextContent);

        Assert.Equal("veth", cut.Find($"[data-testid='edge-{SampleTopology.HostVethBlue}-{SampleTopology.BlueFromHost}']").GetAttribute("data-kind"));
        Assert.Equal("veth", cut.Find($"[data-testid='edge-{SampleTopology.BlueToRed}-{SampleTopology.RedFromBlue}']").GetAttribute("data-kind"));
        Assert.Contains("Network namespaces without containers", cut.Find($"[data-testid='caption-{TopologyLayout.NamespacesLabel}']").TextContent);
    }

    [Fact]
    public void The_namespaces_switch_hides_and_shows_the_band()
    {
        var cut = RenderLoaded();
        var toggle = cut.Find("input[data-testid=show-namespaces]");
        Assert.True(((AngleSharp.Html.Dom.IHtmlInputElement)toggle).IsChecked);

        toggle.Change(false);

        Assert.False(Drawn(cut, $"node-{SampleTopology.BlueNetns}"));
        Assert.False(Drawn(cut, $"node-{SampleTopology.HostEth0}"));
        Assert.False(Drawn(cut, $"edge-{SampleTopology.BlueToRed}-{SampleTopology.RedFromBlue}"));
        Assert.True(Drawn(cut, $"node-{SampleTopology.ContainerId("web1")}"));

        cut.Find("input[data-testid=show-namespaces]").Change(true);

        Assert.True(Drawn(cut, $"node-{SampleTopology.BlueNetns}"));
    }

    [Fact]
    public void Clicking_a_namespace_frame_shows_what_keeps_it()
    {
        var cut = RenderLoaded();

        Node(cut, SampleTopology.UnsharedNetns).Click();

        Assert.Equal("pid 4242: sleep 3000", cut.Find("[data-testid=details-label]").TextContent.Trim());
        Assert.Equal("netns", cut.Find("[data-testid=details-kind]").TextContent.Trim());
        Assert.Contains("pid 4242: sleep 3000", cut.Find("[data-testid=detail-keptBy]").TextContent);
    }

    [Fact]
    public void Shows_an_error_when_the_topology_cannot_be_loaded()
    {
        Data.Failure = new HttpRequestException("boom", null, System.Net.HttpStatusCode.ServiceUnavailable);

        var cut = RenderPage<Topology>();

        cut.WaitForState(() => Drawn(cut, "load-error"));
        Assert.Contains("503", cut.Find("[data-testid=load-error]").TextContent);
        Assert.False(Drawn(cut, "topology-svg"));
    }

    [Fact]
    public void Shows_progress_while_loading()
    {
        Data.Gate = new TaskCompletionSource();

        var cut = RenderPage<Topology>();

        Assert.True(Drawn(cut, "loading"));
        Data.Gate.SetResult();
        cut.WaitForState(() => Drawn(cut, "topology-svg"));
    }
}
