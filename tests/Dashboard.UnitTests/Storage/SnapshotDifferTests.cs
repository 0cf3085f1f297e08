using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using static Dashboard.UnitTests.State.TopologyFixtures;

namespace Dashboard.UnitTests.Storage;

public sealed class SnapshotDifferTests
{
    private static SnapshotSummary Summary(long id, int minutes) => new()
    {
        Id = id, TakenAt = DateTimeOffset.UnixEpoch.AddMinutes(minutes), Reason = SnapshotReason.Manual, Epoch = "e", Version = id,
        ContainerCount = 0, NamespaceCount = 0,
    };

    private static SnapshotState State(IReadOnlyList<ContainerInfo> containers, IReadOnlyList<NetnsInfo>? netns = null, IReadOnlyList<NamespaceSummary>? namespaces = null) => new()
    {
        Containers = containers,
        Namespaces = namespaces ?? [],
        Networks = [],
        NetworkNamespaces = netns ?? [],
        Topology = new TopologyGraph { Nodes = [], Edges = [] },
        Reachability = new ReachabilityReport { Pairs = [] },
    };

    private static NamespaceSummary Ns(NamespaceType type, ulong inode, int processes = 1, params string[] containers) => new()
    {
        Type = type, Inode = inode, ProcessCount = processes, IsInitial = false, Containers = containers, BindMounts = [],
        OpenDescriptors = [], Hidden = false, KeptAliveBy = [],
    };

    [Fact]
    public void SameStateHasNoDifferences()
    {
        var web1 = Container("web1", Web1Ns, null, ("mynetwork", MyNetworkId));
        var state = State([web1], [Netns(Web1Ns, [Ref("web1")], Link(1, "lo", NetInterfaceKind.Loopback, null, null, "127.0.0.1/8"))]);

        var diff = SnapshotDiffer.Between(Summary(1, 0), state, Summary(2, 5), state);

        Assert.True(diff.IsEmpty);
        Assert.False(SnapshotDiffer.Differ(state, state));
    }

    [Fact]
    public void StartedAndStoppedContainersAreAddedRemovedAndChanged()
    {
        var web1Running = Container("web1", Web1Ns, null);
        var web1Stopped = Container("web1", null, null);
        var web2 = Container("web2", Web2Ns, null);
        var gone = Container("gone", null, null);

        var diff = SnapshotDiffer.Between(Summary(1, 0), State([web1Running, gone]), Summary(2, 5), State([web1Stopped, web2]));

        Assert.Equal("web2", Assert.Single(diff.ContainersAdded).Name);
        Assert.Equal("gone", Assert.Single(diff.ContainersRemoved).Name);
        var change = Assert.Single(diff.ContainersChanged);
        Assert.Equal("web1", change.Container.Name);
        Assert.Equal(["state", "pid", "namespaces"], change.Fields);
        var net = Assert.Single(change.Sharing);
        Assert.Equal(NamespaceType.Net, net.Type);
        Assert.Equal(Web1Ns, net.InodeBefore);
        Assert.Null(net.InodeAfter);
        Assert.Equal(Sharing.Private, net.Before);
        Assert.Null(net.After);
    }

    [Fact]
    public void SharingWithAnotherContainerIsReportedEvenWhenTheInodeStays()
    {
        static ContainerInfo WithNet(ContainerInfo c, Sharing sharing, params ContainerRef[] with) => c with
        {
            Namespaces = new Dictionary<NamespaceType, ContainerNamespace> { [NamespaceType.Net] = new() { Inode = Web1Ns, Sharing = sharing, SharedWith = with } },
        };

        var alone = WithNet(Container("web1", Web1Ns, null), Sharing.Private);
        var joined = WithNet(Container("web1", Web1Ns, null), Sharing.Shared, Ref("joiner"));

        var change = Assert.Single(SnapshotDiffer.Between(Summary(1, 0), State([alone]), Summary(2, 1), State([joined])).ContainersChanged);

        var net = Assert.Single(change.Sharing);
        Assert.Equal(net.InodeBefore, net.InodeAfter);
        Assert.Equal((Sharing?)Sharing.Private, net.Before);
        Assert.Equal((Sharing?)Sharing.Shared, net.After);
        Assert.Empty(net.SharedWithBefore);
        Assert.Equal(["joiner"], net.SharedWithAfter);
    }

    [Fact]
    public void TheNewerSnapshotNamesARenamedContainerWhicheverWayTheyAreCompared()
    {
        var old = Container("web1", Web1Ns, null);
        var renamed = old with { Name = "frontend" };

        var forward = Assert.Single(SnapshotDiffer.Between(Summary(1, 0), State([old]), Summary(2, 5), State([renamed])).ContainersChanged);
        var backward = Assert.Single(SnapshotDiffer.Between(Summary(2, 5), State([renamed]), Summary(1, 0), State([old])).ContainersChanged);

        Assert.Equal("frontend", forward.Container.Name);
        Assert.Equal("frontend", backward.Container.Name);
        Assert.Equal(["name"], forward.Fields);
        Assert.Empty(forward.Sharing);
    }

    [Fact]
    public void NamespacesCountByKeyNotByProcessCount()
    {
        var before = State([], namespaces: [Ns(NamespaceType.Net, 10, 1), Ns(NamespaceType.Pid, 11, 1, "web1")]);
        var after = State([], namespaces: [Ns(NamespaceType.Net, 10, 7), Ns(NamespaceType.Uts, 12, 1, "web2")]);

        var diff = SnapshotDiffer.Between(Summary(1, 0), before, Summary(2, 1), after);

        var added = Assert.Single(diff.NamespacesAdded);
        Assert.Equal((NamespaceType.Uts, 12UL, "web2"), (added.Type, added.Inode, Assert.Single(added.Containers)));
        var removed = Assert.Single(diff.NamespacesRemoved);
        Assert.Equal((NamespaceType.Pid, 11UL), (removed.Type, removed.Inode));
        Assert.False(SnapshotDiffer.Differ(before, before with { Namespaces = [Ns(NamespaceType.Net, 10, 99), Ns(NamespaceType.Pid, 11, 3, "web1")] }));
    }

    [Fact]
    public void InterfacesAndAddressesAreMatchedByNamespaceCookieAndName()
    {
        var before = Netns(Web1Ns, [Ref("web1")], Link(2, "eth0", NetInterfaceKind.Veth, null, null, "172.18.0.2/16"));
        var readdressed = Netns(Web1Ns, [Ref("web1")], Link(2, "eth0", NetInterfaceKind.Veth, null, null, "172.18.0.3/16"), Link(3, "eth1", NetInterfaceKind.Veth));
        var diff = SnapshotDiffer.Between(Summary(1, 0), State([], [before]), Summary(2, 1), State([], [readdressed]));

        Assert.Equal("eth1", Assert.Single(diff.InterfacesAdded).Name);
        Assert.Empty(diff.InterfacesRemoved);
        Assert.Equal(("eth0", "172.18.0.3/16", "web1"), Assert.Single(diff.AddressesAdded) is var a ? (a.Interface, a.Address, Assert.Single(a.Containers)) : default);
        Assert.Equal("172.18.0.2/16", Assert.Single(diff.AddressesRemoved).Address);

        // The same inode with another cookie is another namespace (the kernel reused the inode).
        var reused = (before with { Cookie = 2 });
        var replaced = SnapshotDiffer.Between(Summary(1, 0), State([], [before with { Cookie = 1 }]), Summary(2, 1), State([], [reused]));
        Assert.Equal("eth0", Assert.Single(replaced.InterfacesAdded).Name);
        Assert.Equal("eth0", Assert.Single(replaced.InterfacesRemoved).Name);
    }
}
