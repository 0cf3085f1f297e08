using Dashboard.Server.Collection.Net;
using Dashboard.UnitTests.Proc;

namespace Dashboard.UnitTests.Net;

/// <summary>Which namespaces to ask about a netnsid, and how the answers pair veth ends.</summary>
public sealed class VethPeersTests
{
    private const ulong Host = 4026531840;
    private const ulong Web1 = 4026532200;
    private const ulong Web2 = 4026532300;

    private static NetInterface Veth(int index, int? link, int? netnsId, string? name = null) => new()
    {
        Index = index, Name = name ?? $"v{index}", Kind = "veth", Mtu = 1500, OperState = "up", IsUp = true, Flags = 1,
        DeviceType = 1, LinkIndex = link, LinkNetnsId = netnsId,
    };

    private static NetnsSnapshot Snapshot(params NetInterface[] interfaces) => new() { Interfaces = interfaces, Addresses = [], DefaultRoutes = [] };

    [Fact]
    public void CapturedContainerEth0HasTheHostAsItsOnlyCandidateAndBackAgain()
    {
        // The samples were captured together: the container's eth0 (179, peer 180 in netnsid 0) and host veth 180.
        var host = RtnetlinkParsers.ParseSnapshot(Samples.Bytes("netlink/host-link.bin"), Samples.Bytes("netlink/host-addr.bin"), Samples.Bytes("netlink/host-route.bin"))!;
        var container = RtnetlinkParsers.ParseSnapshot(Samples.Bytes("netlink/container-link.bin"), Samples.Bytes("netlink/container-addr.bin"), Samples.Bytes("netlink/container-route.bin"))!;
        var snapshots = new Dictionary<ulong, NetnsSnapshot> { [Host] = host, [Web1] = container };

        var candidates = VethPeers.Candidates(snapshots);

        Assert.Equal([Host], candidates[new NetnsIdKey(Web1, 0)]);
        Assert.Equal([Web1], candidates[new NetnsIdKey(Host, 0)]);
        // The host's other veths point at containers that were not captured: asked about, but nobody fits.
        Assert.Empty(candidates[new NetnsIdKey(Host, 1)]);

        var peers = VethPeers.Resolve(snapshots, new Dictionary<NetnsIdKey, ulong> { [new(Web1, 0)] = Host, [new(Host, 0)] = Web1 });
        Assert.Equal(new InterfaceKey(Host, 180), peers[new InterfaceKey(Web1, 179)]);
        Assert.Equal(new InterfaceKey(Web1, 179), peers[new InterfaceKey(Host, 180)]);
        Assert.Equal(2, peers.Count);
    }

    [Fact]
    public void SameIndexesInTwoContainersMakeBothCandidatesAndTheKernelsAnswerDecides()
    {
        // Both containers' eth0 is index 5 with peer 6: each host veth has two candidates.
        var snapshots = new Dictionary<ulong, NetnsSnapshot>
        {
            [Host] = Snapshot(Veth(6, 5, 0), Veth(7, 5, 1)),
            [Web1] = Snapshot(Veth(5, 6, 0)),
            [Web2] = Snapshot(Veth(5, 7, 0)),
        };

        var candidates = VethPeers.Candidates(snapshots);
        Assert.Equal([Web1], candidates[new NetnsIdKey(Host, 0)]);
        Assert.Equal([Web2], candidates[new NetnsIdKey(Host, 1)]);

        snapshots[Web2] = Snapshot(Veth(5, 6, 0));
        snapshots[Host] = Snapshot(Veth(6, 5, 0));
        Assert.Equal([Web1, Web2], VethPeers.Candidates(snapshots)[new NetnsIdKey(Host, 0)]);

        var peers = VethPeers.Resolve(snapshots, new Dictionary<NetnsIdKey, ulong> { [new(Host, 0)] = Web2, [new(Web2, 0)] = Host });
        Assert.Equal(new InterfaceKey(Web2, 5), peers[new InterfaceKey(Host, 6)]);
        Assert.Equal(new InterfaceKey(Host, 6), peers[new InterfaceKey(Web2, 5)]);
        // web1's netnsid 0 was not resolved: no guess.
        Assert.False(peers.ContainsKey(new InterfaceKey(Web1, 5)));
    }

    [Fact]
    public void OmittedLinkMeansThePeerHasTheSameIndex()
    {
        var snapshots = new Dictionary<ulong, NetnsSnapshot>
        {
            [Host] = Snapshot(Veth(9, null, 3)),
            [Web1] = Snapshot(Veth(9, null, 0)),
        };

        Assert.Equal([Web1], VethPeers.Candidates(snapshots)[new NetnsIdKey(Host, 3)]);
        var peers = VethPeers.Resolve(snapshots, new Dictionary<NetnsIdKey, ulong> { [new(Host, 3)] = Web1, [new(Web1, 0)] = Host });
        Assert.Equal(new InterfaceKey(Web1, 9), peers[new InterfaceKey(Host, 9)]);
        Assert.Equal(new InterfaceKey(Host, 9), peers[new InterfaceKey(Web1, 9)]);
    }

    [Fact]
    public void PairInOneNamespaceNeedsNoNetnsId()
    {
        var snapshots = new Dictionary<ulong, NetnsSnapshot> { [Host] = Snapshot(Veth(3, 4, null), Veth(4, 3, null), Veth(8, null, null)) };

        Assert.Empty(VethPeers.Candidates(snapshots));
        var peers = VethPeers.Resolve(snapshots, new Dictionary<NetnsIdKey, ulong>());
        Assert.Equal(new InterfaceKey(Host, 4), peers[new InterfaceKey(Host, 3)]);
        Assert.Equal(new InterfaceKey(Host, 3), peers[new InterfaceKey(Host, 4)]);
        Assert.False(peers.ContainsKey(new InterfaceKey(Host, 8)));
    }

    [Fact]
    public void ResolvedNamespaceWithoutAVethAtThePeerIndexGivesNoPeer()
    {
        var snapshots = new Dictionary<ulong, NetnsSnapshot>
        {
            [Host] = Snapshot(Veth(6, 5, 0)),
            [Web1] = Snapshot(Veth(4, 6, 0)),
        };

        var peers = VethPeers.Resolve(snapshots, new Dictionary<NetnsIdKey, ulong> { [new(Host, 0)] = Web1 });
        Assert.Empty(peers);
    }
}
