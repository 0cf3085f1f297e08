using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;
using static Dashboard.UnitTests.State.TopologyFixtures;

namespace Dashboard.UnitTests.State;

/// <summary>Each rule of the derived reachability, on hand-made containers and networks.</summary>
public sealed class ReachabilityBuilderTests
{
    private static readonly string HostNetworkId = new('9', 64);
    private static readonly string NoneNetworkId = new('8', 64);
    private static readonly string ClosedId = new('7', 64);
    private static readonly string InternalId = new('6', 64);

    private static readonly IReadOnlyList<DockerNetworkInfo> Networks =
    [
        Network("closed", ClosedId, icc: false),
        Network("host", HostNetworkId, "host"),
        Network("internal", InternalId, @internal: true),
        Network("mynetwork", MyNetworkId),
        Network("none", NoneNetworkId, "null"),
        Network("othernet", OtherNetworkId),
    ];

    private static ReachabilityPair PairOf(ReachabilityReport report, string a, string b) =>
        Assert.Single(report.Pairs, p => (p.A.Name, p.B.Name) == (a, b));

    private static ReachabilityReport Build(params ContainerInfo[] containers) => ReachabilityBuilder.Build(containers, Networks, Host);

    [Fact]
    public void ContainersOnTheSameIccNetworkReachEachOther()
    {
        var pair = PairOf(Build(
            Container("web2", Web2Ns, "mynetwork", ("mynetwork", MyNetworkId)),
            Container("web1", Web1Ns, "mynetwork", ("mynetwork", MyNetworkId))), "web1", "web2");

        Assert.True(pair.Reachable);
        Assert.Equal("same Docker network mynetwork", pair.Reason);
        Assert.Equal(["mynetwork"], pair.Networks);
    }

    [Fact]
    public void ContainersOnDifferentNetworksDoNot()
    {
        var pair = PairOf(Build(
            Container("web1", Web1Ns, "mynetwork", ("mynetwork", MyNetworkId)),
            Container("other", OtherNs, "othernet", ("othernet", OtherNetworkId))), "other", "web1");

        Assert.False(pair.Reachable);
        Assert.Equal("no common network", pair.Reason);
        Assert.Empty(pair.Networks);
    }

    [Fact]
    public void IccOffOnTheOnlySharedNetworkSeparatesThem()
    {
        var pair = PairOf(Build(
            Container("a", Web1Ns, "closed", ("closed", ClosedId)),
            Container("b", Web2Ns, "closed", ("closed", ClosedId))), "a", "b");

        Assert.False(pair.Reachable);
        Assert.Equal("inter-container communication is off on closed", pair.Reason);
        Assert.Equal(["closed"], pair.Networks);
    }

    [Fact]
    public void AnotherSharedNetworkWithIccOnStillJoinsThem()
    {
        var pair = PairOf(Build(
            Container("a", Web1Ns, "closed", ("closed", ClosedId), ("mynetwork", MyNetworkId)),
            Container("b", Web2Ns, "closed", ("mynetwork", MyNetworkId), ("closed", ClosedId))), "a", "b");

        Assert.True(pair.Reachable);
        Assert.Equal("same Docker network mynetwork", pair.Reason);
        Assert.Equal(["closed", "mynetwork"], pair.Networks);
    }

    [Fact]
    public void InternalNetworksStillJoinTheirContainers()
    {
        var pair = PairOf(Build(
            Container("a", Web1Ns, "internal", ("internal", InternalId)),
            Container("b", Web2Ns, "internal", ("internal", InternalId))), "a", "b");

        Assert.True(pair.Reachable);
        Assert.Equal("same Docker network internal", pair.Reason);
    }

    [Fact]
    public void ContainersInOneNamespaceReachEachOtherWithoutANetwork()
    {
        var pair = PairOf(Build(
            Container("web1", Web1Ns, "mynetwork", ("mynetwork", MyNetworkId)),
            Container("joiner", Web1Ns, "container:web1")), "joiner", "web1");

        Assert.True(pair.Reachable);
        Assert.Equal("same network namespace", pair.Reason);
    }

    [Fact]
    public void HostNetworkContainersReachEachOtherThroughTheHostNamespace()
    {
        var pair = PairOf(Build(
            Container("h1", Host, "host", ("host", HostNetworkId)),
            Container("h2", Host, "host", ("host", HostNetworkId))), "h1", "h2");

        Assert.True(pair.Reachable);
        Assert.Equal("both use the host's network namespace", pair.Reason);
        Assert.Empty(pair.Networks);
    }

    [Fact]
    public void AHostNetworkContainerReachesBridgedContainersThroughTheBridgeOnTheHost()
    {
        var pair = PairOf(Build(
            Container("h1", Host, "host", ("host", HostNetworkId)),
            Container("web1", Web1Ns, "closed", ("closed", ClosedId))), "h1", "web1");

        Assert.True(pair.Reachable);
        Assert.Equal("the host's network namespace holds the bridge of closed", pair.Reason);
    }

    [Fact]
    public void NoneIsNotACommonNetwork()
    {
        var pair = PairOf(Build(
            Container("a", Web1Ns, "none", ("none", NoneNetworkId)),
            Container("b", Web2Ns, "none", ("none", NoneNetworkId))), "a", "b");

        Assert.False(pair.Reachable);
        Assert.Equal("no common network", pair.Reason);
    }

    [Fact]
    public void OnlyRunningContainersArePairedOncePerPairAndTheReportSaysItIsDerived()
    {
        var report = Build(
            Container("a", Web1Ns, "mynetwork", ("mynetwork", MyNetworkId)),
            Container("b", Web2Ns, "mynetwork", ("mynetwork", MyNetworkId)),
            Container("c", OtherNs, "mynetwork", ("mynetwork", MyNetworkId)),
            Container("stopped", null, "mynetwork", ("mynetwork", MyNetworkId)));

        Assert.Equal([("a", "b"), ("a", "c"), ("b", "c")], report.Pairs.Select(p => (p.A.Name, p.B.Name)));
        Assert.True(report.Derived);
        Assert.Equal("derived from the topology and the engine's configuration; no packet was sent", report.Note);
    }

    [Fact]
    public void AnswersSharedBetweenLikeContainersStayEachPairsOwn()
    {
        // x and y are on the same two networks, attached in the other order; z and z2 share a namespace; w is like x.
        var report = Build(
            Container("h", Host, "host", ("host", HostNetworkId)),
            Container("x", Web1Ns, "mynetwork", ("mynetwork", MyNetworkId), ("othernet", OtherNetworkId)),
            Container("y", Web2Ns, "othernet", ("othernet", OtherNetworkId), ("mynetwork", MyNetworkId)),
            Container("w", HiddenNs, "mynetwork", ("mynetwork", MyNetworkId), ("othernet", OtherNetworkId)),
            Container("z", OtherNs, "mynetwork", ("mynetwork", MyNetworkId)),
            Container("z2", OtherNs, "container:z"));

        Assert.Equal(15, report.Pairs.Count);
        Assert.Equal(15, report.Pairs.Select(p => (p.A.Id, p.B.Id)).Distinct().Count());
        // The host rule names the other's first bridged network, so x and y get different reasons.
        Assert.Equal("the host's network namespace holds the bridge of mynetwork", PairOf(report, "h", "x").Reason);
        Assert.Equal("the host's network namespace holds the bridge of othernet", PairOf(report, "h", "y").Reason);
        Assert.Equal("the host's network namespace holds the bridge of mynetwork", PairOf(report, "h", "w").Reason);
        Assert.Equal(["mynetwork", "othernet"], PairOf(report, "w", "x").Networks);
        Assert.Equal("same Docker network mynetwork", PairOf(report, "w", "y").Reason);
        Assert.Equal("same Docker network mynetwork", PairOf(report, "x", "z").Reason);
        Assert.Equal(["mynetwork"], PairOf(report, "x", "z").Networks);
        Assert.Equal("same network namespace", PairOf(report, "z", "z2").Reason);
        // z2 joined z's namespace (--network container:z): it has no endpoint of its own but is on what z is on.
        Assert.Equal("same Docker network mynetwork", PairOf(report, "x", "z2").Reason);
        Assert.Equal(["mynetwork"], PairOf(report, "x", "z2").Networks);
        Assert.Equal(PairOf(report, "h", "z").Reason, PairOf(report, "h", "z2").Reason);
    }

    [Fact]
    public void PairsAreEqualByTheirValues()
    {
        ContainerInfo[] containers =
        [
            Container("a", Web1Ns, "mynetwork", ("mynetwork", MyNetworkId)),
            Container("b", Web2Ns, "mynetwork", ("mynetwork", MyNetworkId)),
        ];
        var first = Assert.Single(Build(containers).Pairs);
        var second = Assert.Single(Build(containers).Pairs);

        Assert.NotSame(first.Networks, second.Networks);
        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, second with { Networks = ["othernet"] });
        Assert.NotEqual(first, second with { Reachable = false });
    }
}
