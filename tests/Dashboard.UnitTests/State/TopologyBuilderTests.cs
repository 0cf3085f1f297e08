using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using static Dashboard.UnitTests.State.TopologyFixtures;

namespace Dashboard.UnitTests.State;

/// <summary>The topology graph of a hand-made host.</summary>
public sealed class TopologyBuilderTests
{
    private static readonly string MyBridge = $"br-{MyNetworkId[..12]}";
    private static readonly string OtherBridge = $"br-{OtherNetworkId[..12]}";
    private static readonly string HostNetworkId = new('9', 64);

    internal static IReadOnlyList<NetnsInfo> Namespaces() =>
    [
        Netns(Host, [Ref("hostc")],
            Link(1, "lo", NetInterfaceKind.Loopback),
            Link(2, "eth0", NetInterfaceKind.Other, addresses: "10.0.0.5/24"),
            Link(3, MyBridge, NetInterfaceKind.Bridge, addresses: "172.18.0.1/16"),
            Link(4, OtherBridge, NetInterfaceKind.Bridge),
            Link(10, "vethaaa", NetInterfaceKind.Veth, MyBridge, new NetPeerRef { NetnsInode = Web1Ns, Index = 2, Name = "eth0" }),
            Link(11, "vethbbb", NetInterfaceKind.Veth, MyBridge, new NetPeerRef { NetnsInode = Web2Ns, Index = 2, Name = "eth0" }),
            Link(12, "vethccc", NetInterfaceKind.Veth, OtherBridge, new NetPeerRef { NetnsInode = OtherNs, Index = 2, Name = "eth0" })),
        Netns(Web1Ns, [Ref("joiner"), Ref("web1")],
            Link(1, "lo", NetInterfaceKind.Loopback),
            Link(2, "eth0", NetInterfaceKind.Veth, peer: new NetPeerRef { NetnsInode = Host, Index = 10, Name = "vethaaa" }, addresses: "172.18.0.2/16")),
        Netns(Web2Ns, [Ref("web2")],
            Link(1, "lo", NetInterfaceKind.Loopback),
            Link(2, "eth0", NetInterfaceKind.Veth, peer: new NetPeerRef { NetnsInode = Host, Index = 11, Name = "vethbbb" })),
        Netns(OtherNs, [Ref("other")],
            Link(1, "lo", NetInterfaceKind.Loopback),
            Link(2, "eth0", NetInterfaceKind.Veth, peer: new NetPeerRef { NetnsInode = Host, Index = 12, Name = "vethccc" })),
        Netns(HiddenNs, [], Link(1, "lo", NetInterfaceKind.Loopback)) with { BindMounts = ["/run/netns/x"] },
    ];

    internal static IReadOnlyList<ContainerInfo> Containers() =>
    [
        Container("web1", Web1Ns, "mynetwork", ("mynetwork", MyNetworkId)),
        Container("web2", Web2Ns, "mynetwork", ("mynetwork", MyNetworkId)),
        Container("other", OtherNs, "othernet", ("othernet", OtherNetworkId)),
        Container("hostc", Host, "host", ("host", HostNetworkId)),
        Container("joiner", Web1Ns, $"container:{Id("web1")}"),
        Container("stopped", null, "mynetwork", ("mynetwork", MyNetworkId)),
    ];

    internal static IReadOnlyList<DockerNetworkInfo> Networks() =>
        [Network("host", HostNetworkId, "host"), Network("mynetwork", MyNetworkId), Network("othernet", OtherNetworkId)];

    private static TopologyGraph Build(IReadOnlyDictionary<ulong, int>? generations = null) =>
        TopologyBuilder.Build(Containers(), Networks(), Namespaces(), generations ?? new Dictionary<ulong, int>());

    private static void AssertEdge(TopologyGraph graph, string kind, string source, string target) =>
        Assert.Single(graph.Edges, e => e.Kind == kind && e.Source == source && e.Target == target);

    [Fact]
    public void TutorialContainersEth0IsWiredThroughItsHostVethAndBridgeToTheNetwork()
    {
        var graph = Build();
        var web1Eth0 = $"if:{Web1Ns}.1#2";
        var hostVeth = $"if:{Host}.1#10";
        var bridge = $"if:{Host}.1#3";
        var network = $"network:{MyNetworkId}";

        AssertEdge(graph, TopologyEdgeKinds.Veth, hostVeth, web1Eth0);
        AssertEdge(graph, TopologyEdgeKinds.BridgePort, hostVeth, bridge);
        AssertEdge(graph, TopologyEdgeKinds.MemberOf, bridge, network);
        AssertEdge(graph, TopologyEdgeKinds.MemberOf, $"container:{Id("web1")}", $"netns:{Web1Ns}.1");
        AssertEdge(graph, TopologyEdgeKinds.InNetwork, $"container:{Id("web1")}", network);
        AssertEdge(graph, TopologyEdgeKinds.MemberOf, web1Eth0, $"netns:{Web1Ns}.1");
        AssertEdge(graph, TopologyEdgeKinds.MemberOf, $"if:{Host}.1#{4}", $"network:{OtherNetworkId}");

        var node = Assert.Single(graph.Nodes, n => n.Id == bridge);
        Assert.Equal((TopologyNodeKinds.Bridge, MyBridge, "host"), (node.Kind, node.Label, node.Parent));
        Assert.Equal("172.18.0.1/16", node.Details["addresses"]);
        var eth0 = Assert.Single(graph.Nodes, n => n.Id == web1Eth0);
        Assert.Equal((TopologyNodeKinds.Interface, "eth0", $"netns:{Web1Ns}.1"), (eth0.Kind, eth0.Label, eth0.Parent));
        Assert.Equal("veth", eth0.Details["kind"]);
    }

    [Fact]
    public void TheInitialNamespaceIsTheHostNodeAndOthersAreNetnsNodes()
    {
        var graph = Build();

        var host = Assert.Single(graph.Nodes, n => n.Kind == TopologyNodeKinds.Host);
        Assert.Equal(("host", $"{Host}"), (host.Id, host.Details["inode"]));
        Assert.Same(host, graph.Nodes[0]);
        Assert.Equal(
            [$"netns:{Web1Ns}.1", $"netns:{Web2Ns}.1", $"netns:{OtherNs}.1", $"netns:{HiddenNs}.1"],
            graph.Nodes.Where(n => n.Kind == TopologyNodeKinds.Netns).Select(n => n.Id));
        Assert.Equal("ip netns x", Assert.Single(graph.Nodes, n => n.Id == $"netns:{HiddenNs}.1").Label);
        Assert.Equal("joiner, web1", Assert.Single(graph.Nodes, n => n.Id == $"netns:{Web1Ns}.1").Label);
        Assert.All(graph.Nodes.Where(n => n.Id.StartsWith($"if:{Host}.", StringComparison.Ordinal)), n => Assert.Equal("host", n.Parent));
    }

    [Fact]
    public void ContainersAttachToTheNamespaceTheyReallyUse()
    {
        var graph = Build();

        AssertEdge(graph, TopologyEdgeKinds.MemberOf, $"container:{Id("hostc")}", "host");
        AssertEdge(graph, TopologyEdgeKinds.MemberOf, $"container:{Id("joiner")}", $"netns:{Web1Ns}.1");
        Assert.DoesNotContain(graph.Nodes, n => n.Label == "stopped");
        Assert.Equal(["hostc", "joiner", "other", "web1", "web2"], graph.Nodes.Where(n => n.Kind == TopologyNodeKinds.Container).Select(n => n.Label));
    }

    [Fact]
    public void GenerationsGoIntoNamespaceAndInterfaceIds()
    {
        var graph = Build(new Dictionary<ulong, int> { [Web1Ns] = 3, [Host] = 2 });

        Assert.Contains(graph.Nodes, n => n.Id == $"netns:{Web1Ns}.3");
        AssertEdge(graph, TopologyEdgeKinds.Veth, $"if:{Host}.2#10", $"if:{Web1Ns}.3#2");
        Assert.DoesNotContain(graph.Nodes, n => n.Id.Contains($"{Web1Ns}.1", StringComparison.Ordinal));
        Assert.Contains(graph.Nodes, n => n.Id == "host");
    }

    [Fact]
    public void CookiesGoIntoNamespaceAndInterfaceIdsAndOutrankGenerations()
    {
        var namespaces = Namespaces().Select(n => n.Inode switch
        {
            Host => n with { Cookie = 3 },
            Web1Ns => n with { Cookie = 13316 },
            _ => n,
        }).ToList();

        var graph = TopologyBuilder.Build(Containers(), Networks(), namespaces, new Dictionary<ulong, int> { [Web1Ns] = 5, [Web2Ns] = 2 });

        Assert.Contains(graph.Nodes, n => n.Id == $"netns:{Web1Ns}:13316" && n.Details["cookie"] == "13316");
        AssertEdge(graph, TopologyEdgeKinds.Veth, $"if:{Host}:3#10", $"if:{Web1Ns}:13316#2");
        AssertEdge(graph, TopologyEdgeKinds.MemberOf, $"container:{Id("web1")}", $"netns:{Web1Ns}:13316");
        // Without a cookie, the generation.
        AssertEdge(graph, TopologyEdgeKinds.Veth, $"if:{Host}:3#11", $"if:{Web2Ns}.2#2");
        Assert.Contains(graph.Nodes, n => n.Id == "host" && n.Details["cookie"] == "3");
    }

    [Fact]
    public void AnInodeReusedByANewNamespaceGetsNewIdsFromItsCookie()
    {
        IReadOnlyList<NetnsInfo> Blue(ulong cookie) =>
            [Netns(HiddenNs, [], Link(2, "eth0", NetInterfaceKind.Dummy)) with { BindMounts = ["/run/netns/blue"], Cookie = cookie }];
        var generations = new Dictionary<ulong, int> { [HiddenNs] = 1 };

        var before = TopologyBuilder.Build([], [], Blue(13316), generations).Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var same = TopologyBuilder.Build([], [], Blue(13316), generations).Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var after = TopologyBuilder.Build([], [], Blue(13402), generations).Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(before, same);
        Assert.Equal(["host"], before.Intersect(after));
    }

    [Fact]
    public void EachVethPairIsOneEdgeAndEveryEdgeJoinsTwoNodes()
    {
        var graph = Build();
        var ids = graph.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(graph.Nodes.Count, ids.Count);
        Assert.Equal(graph.Edges.Count, graph.Edges.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(graph.Edges, e => Assert.True(ids.Contains(e.Source) && ids.Contains(e.Target), e.Id));
        Assert.Equal(3, graph.Edges.Count(e => e.Kind == TopologyEdgeKinds.Veth));
        Assert.Equal(3, graph.Edges.Count(e => e.Kind == TopologyEdgeKinds.BridgePort));
    }

    [Fact]
    public void APeerInANamespaceThatWasNotCollectedGetsNoDanglingEdge()
    {
        var lonely = Netns(Web1Ns, [], Link(2, "eth0", NetInterfaceKind.Veth, peer: new NetPeerRef { NetnsInode = 4026539999, Index = 5, Name = "x" }));

        var graph = TopologyBuilder.Build([], [], [lonely], new Dictionary<ulong, int>());

        Assert.DoesNotContain(graph.Edges, e => e.Kind == TopologyEdgeKinds.Veth);
        Assert.Single(graph.Nodes, n => n.Kind == TopologyNodeKinds.Host);
    }

    [Theory]
    [InlineData(new[] { "/run/netns/blue" }, null, null, 0, "ip netns blue")]
    [InlineData(new[] { "/var/run/netns/blue" }, null, null, 0, "ip netns blue")]
    [InlineData(new[] { "/tmp/held", "/run/netns/red" }, null, null, 0, "ip netns red")]
    [InlineData(new[] { "/run/netns/sub/dir" }, null, null, 0, "/run/netns/sub/dir")]
    [InlineData(new[] { "/tmp/held" }, 4242, "sleep 3000", 0, "/tmp/held")]
    [InlineData(new string[0], 4242, "sleep 3000", 0, "pid 4242: sleep 3000")]
    [InlineData(new string[0], 4242, null, 0, "pid 4242")]
    [InlineData(new string[0], null, null, 9, "fd 9 of pid 77")]
    [InlineData(new string[0], null, null, 0, "net:[4026532900]")]
    public void ANamespaceWithoutContainersIsLabelledByWhatKeepsIt(string[] mounts, int? pid, string? command, int fd, string label)
    {
        var ns = Netns(HiddenNs, [], Link(1, "lo", NetInterfaceKind.Loopback)) with
        {
            BindMounts = mounts,
            LowestPid = pid,
            ProcessCount = pid is null ? 0 : 1,
            Command = command,
            OpenDescriptors = fd == 0 ? [] : [new FileDescriptorRef { Pid = 77, Fd = fd }],
        };

        var node = Assert.Single(TopologyBuilder.Build([], [], [ns], new Dictionary<ulong, int>()).Nodes, n => n.Kind == TopologyNodeKinds.Netns);

        Assert.Equal(label, node.Label);
        Assert.Equal(label == $"net:[{HiddenNs}]" ? null : label, node.Details.GetValueOrDefault("keptBy"));
    }

    [Fact]
    public void VethPairsBetweenTheHostAndAnIpNetnsAndBetweenTwoIpNetnsAreEdges()
    {
        const ulong Blue = 4026532910, Red = 4026532920;
        IReadOnlyList<NetnsInfo> namespaces =
        [
            Netns(Host, [], Link(7, "to-blue", NetInterfaceKind.Veth, peer: new NetPeerRef { NetnsInode = Blue, Index = 2, Name = "from-host" }, addresses: "10.9.0.1/30")),
            Netns(Blue, [],
                Link(2, "from-host", NetInterfaceKind.Veth, peer: new NetPeerRef { NetnsInode = Host, Index = 7, Name = "to-blue" }, addresses: "10.9.0.2/30"),
                Link(3, "to-red", NetInterfaceKind.Veth, peer: new NetPeerRef { NetnsInode = Red, Index = 3, Name = "from-blue" })) with { BindMounts = ["/run/netns/blue"] },
            Netns(Red, [],
                Link(3, "from-blue", NetInterfaceKind.Veth, peer: new NetPeerRef { NetnsInode = Blue, Index = 3, Name = "to-red" })) with { BindMounts = ["/run/netns/red"] },
        ];

        var graph = TopologyBuilder.Build([], [], namespaces, new Dictionary<ulong, int>());

        Assert.Equal(["ip netns blue", "ip netns red"], graph.Nodes.Where(n => n.Kind == TopologyNodeKinds.Netns).Select(n => n.Label));
        AssertEdge(graph, TopologyEdgeKinds.Veth, $"if:{Host}.1#7", $"if:{Blue}.1#2");
        AssertEdge(graph, TopologyEdgeKinds.Veth, $"if:{Blue}.1#3", $"if:{Red}.1#3");
        AssertEdge(graph, TopologyEdgeKinds.MemberOf, $"if:{Red}.1#3", $"netns:{Red}.1");
        Assert.Equal(2, graph.Edges.Count(e => e.Kind == TopologyEdgeKinds.Veth));
    }
}
