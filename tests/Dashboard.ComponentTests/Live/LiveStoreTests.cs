using Dashboard.Client.Live;
using Dashboard.ComponentTests.Fakes;
using Dashboard.Shared.Live;
using Dashboard.Shared.Model;

namespace Dashboard.ComponentTests.Live;

/// <summary>The store's version and epoch rules, fed plain messages as the hub would send them.</summary>
public sealed class LiveStoreTests
{
    private const string Epoch = "20261128T140307-aaaaaaa";

    private static readonly DateTimeOffset s_now = new(2026, 11, 28, 14, 3, 8, TimeSpan.Zero);

    private static LiveMessage Snapshot(long version, string epoch = Epoch) => new()
    {
        Epoch = epoch,
        FromVersion = version,
        ToVersion = version,
        PublishedAt = s_now,
        Snapshot = new LiveSnapshot
        {
            Status = SampleData.Status,
            Containers = SampleData.Containers,
            Namespaces = SampleData.Namespaces,
            Networks = [],
            NetworkNamespaces = [],
            Topology = SampleTopology.Graph,
        },
    };

    private static LiveMessage Batch(long from, long to, LiveChanges changes, string epoch = Epoch) => new()
    {
        Epoch = epoch,
        FromVersion = from,
        ToVersion = to,
        PublishedAt = s_now,
        Changes = changes,
    };

    private static ContainerInfo Web3 { get; } = SampleData.Container("web2") with
    {
        Id = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0",
        Name = "web3",
        Pid = 4600,
    };

    private static LiveStore WithSnapshot(long version = 7)
    {
        var store = new LiveStore();
        Assert.True(store.Apply(Snapshot(version)).Applied);
        return store;
    }

    [Fact]
    public void A_snapshot_replaces_everything_and_sets_epoch_and_version()
    {
        var store = new LiveStore();
        Assert.False(store.HasSnapshot);

        var result = store.Apply(Snapshot(7));

        Assert.True(result.Applied);
        Assert.True(result.Change!.Everything);
        Assert.Equal(DashboardChangeKinds.Data, result.Change.Kinds);
        Assert.True(store.HasSnapshot);
        Assert.True(store.IsCurrent);
        Assert.Equal((Epoch, 7L), (store.Epoch, store.Version));
        Assert.Equal(["old-job", "pidtool", "remapped", "web1", "web1-debug", "web2"], store.Containers().Select(c => c.Name));
        Assert.Equal(SampleData.Namespaces.Count, store.Namespaces().Count);
        Assert.Equal(6, store.Namespaces(NamespaceType.Net).Count);
        Assert.Equal(SampleTopology.Graph.Nodes.Count, store.Topology().Nodes.Count);
        Assert.Equal("host", store.Topology().Nodes[0].Id);
        Assert.Same(SampleData.Status, store.Status);
    }

    [Fact]
    public void A_batch_that_follows_on_is_applied_and_says_what_it_touched()
    {
        var store = WithSnapshot(7);
        var newNet = new NamespaceSummary
        {
            Type = NamespaceType.Net, Inode = 4026532999, ProcessCount = 1, LowestPid = 4600, Command = "nginx",
            Containers = ["web3"], BindMounts = [], OpenDescriptors = [], Hidden = false, IsInitial = false, KeptAliveBy = [],
        };
        var status = SampleData.Status with { ContainerCount = 7 };

        var result = store.Apply(Batch(8, 10, new LiveChanges
        {
            Status = status,
            ContainersUpserted = [Web3],
            NamespacesUpserted = [newNet],
            NamespacesRemoved = [new NamespaceKeyRef { Type = NamespaceType.Net, Inode = SampleData.HiddenNet }],
        }));

        Assert.True(result.Applied);
        // A container changed, so the reachability report (worked out from the containers) may have too.
        Assert.Equal(DashboardChangeKinds.Status | DashboardChangeKinds.Containers | DashboardChangeKinds.Namespaces | DashboardChangeKinds.Reachability, result.Change!.Kinds);
        Assert.False(result.Change.Everything);
        Assert.True(result.Change.TouchesContainer(Web3.Id));
        Assert.False(result.Change.TouchesContainer(SampleData.Container("web1").Id));
        Assert.True(result.Change.TouchesNamespace(NamespaceType.Net, 4026532999));
        Assert.True(result.Change.TouchesNamespace(NamespaceType.Net, SampleData.HiddenNet));
        Assert.False(result.Change.TouchesNamespace(NamespaceType.Net, SampleData.Web1Net));
        Assert.Equal(10, store.Version);
        Assert.Contains(store.Containers(), c => c.Name == "web3");
        Assert.Contains(store.Namespaces(NamespaceType.Net), n => n.Inode == 4026532999);
        Assert.DoesNotContain(store.Namespaces(NamespaceType.Net), n => n.Inode == SampleData.HiddenNet);
        Assert.Same(status, store.Status);
    }

    [Fact]
    public void Removals_of_every_kind_take_things_out()
    {
        var store = WithSnapshot(3);
        var oldJob = SampleData.Container("old-job");
        var web1Node = SampleTopology.ContainerId("web1");
        var edge = SampleTopology.Graph.Edges.First(e => e.Source == web1Node || e.Target == web1Node);
        var result = store.Apply(Batch(4, 4, new LiveChanges
        {
            ContainersRemoved = [oldJob.Id],
            TopologyNodesRemoved = [web1Node],
            TopologyEdgesRemoved = [edge.Id],
        }));

        Assert.Equal(DashboardChangeKinds.Containers | DashboardChangeKinds.Topology | DashboardChangeKinds.Reachability, result.Change!.Kinds);
        Assert.True(result.Change.TouchesContainer(oldJob.Id));
        Assert.DoesNotContain(store.Containers(), c => c.Id == oldJob.Id);
        Assert.Equal(5, store.Containers().Count);
        Assert.DoesNotContain(store.Topology().Nodes, n => n.Id == web1Node);
        Assert.DoesNotContain(store.Topology().Edges, e => e.Id == edge.Id);
    }

    [Fact]
    public void Reachability_is_worked_out_from_the_held_containers_and_networks_and_follows_their_changes()
    {
        var store = WithSnapshot(3);
        var web1 = SampleData.Container("web1");
        var web2 = SampleData.Container("web2");
        // The snapshot holds no Docker network: web1 and web2 share none, only web1 and its --network container: joiner meet.
        Assert.Equal(ReachabilityBuilder.Build(store.Containers(), [], hostNetns: null).Pairs, store.Reachability!.Pairs);
        Assert.False(PairOf(store, web1, web2).Reachable);
        Assert.Equal("same network namespace", PairOf(store, web1, SampleData.Container("web1-debug")).Reason);

        var mynetwork = new DockerNetworkInfo
        {
            Id = SampleTopology.MyNetworkId, Name = "mynetwork", Driver = "bridge", Internal = false, EnableIcc = true,
            Subnets = ["172.18.0.0/16"], Gateways = ["172.18.0.1"], Containers = [],
        };
        var joined = store.Apply(Batch(4, 4, new LiveChanges { NetworksUpserted = [mynetwork] }));
        Assert.Equal(DashboardChangeKinds.Networks | DashboardChangeKinds.Reachability, joined.Change!.Kinds);
        Assert.Equal(new ReachabilityPair
        {
            A = new ContainerRef { Id = web1.Id, Name = "web1" }, B = new ContainerRef { Id = web2.Id, Name = "web2" },
            Reachable = true, Reason = "same Docker network mynetwork", Networks = ["mynetwork"],
        }, PairOf(store, web1, web2));

        var gone = store.Apply(Batch(5, 5, new LiveChanges { ContainersRemoved = [web2.Id] }));
        Assert.True(gone.Change!.Has(DashboardChangeKinds.Reachability));
        Assert.DoesNotContain(store.Reachability!.Pairs, p => p.A.Id == web2.Id || p.B.Id == web2.Id);
        Assert.Equal(ReachabilityBuilder.Build(store.Containers(), [mynetwork], hostNetns: null).Pairs, store.Reachability.Pairs);

        // Nothing it follows from changed: the report is the one already worked out.
        var before = store.Reachability;
        var other = store.Apply(Batch(6, 6, new LiveChanges { TopologyEdgesRemoved = [SampleTopology.Graph.Edges[0].Id] }));
        Assert.False(other.Change!.Has(DashboardChangeKinds.Reachability));
        Assert.Same(before, store.Reachability);
    }

    private static ReachabilityPair PairOf(LiveStore store, ContainerInfo a, ContainerInfo b) =>
        Assert.Single(store.Reachability!.Pairs, p => p.A.Id == a.Id && p.B.Id == b.Id || p.A.Id == b.Id && p.B.Id == a.Id);

    [Fact]
    public void A_gap_asks_to_resubscribe_and_refuses_batches_until_the_next_snapshot()
    {
        var store = WithSnapshot(7);

        var gap = store.Apply(Batch(9, 9, new LiveChanges { ContainersUpserted = [Web3] }));

        Assert.False(gap.Applied);
        Assert.Contains("gap", gap.ResubscribeReason);
        Assert.False(store.IsCurrent);
        Assert.Equal(7, store.Version);
        Assert.DoesNotContain(store.Containers(), c => c.Name == "web3");
        // Even the batch that would have followed on is refused now: something between was missed.
        Assert.False(store.Apply(Batch(8, 8, new LiveChanges { ContainersUpserted = [Web3] })).Applied);
        // The data held stays readable, stale, until the new snapshot replaces it.
        Assert.True(store.HasSnapshot);
        Assert.Equal(6, store.Containers().Count);

        Assert.True(store.Apply(Snapshot(9)).Applied);
        Assert.True(store.Apply(Batch(10, 10, new LiveChanges { ContainersUpserted = [Web3] })).Applied);
        Assert.Contains(store.Containers(), c => c.Name == "web3");
    }

    [Fact]
    public void A_batch_repeating_a_version_held_is_a_gap_too()
    {
        var store = WithSnapshot(7);

        Assert.False(store.Apply(Batch(7, 8, new LiveChanges())).Applied);
    }

    [Fact]
    public void A_batch_of_a_new_epoch_asks_to_resubscribe()
    {
        var store = WithSnapshot(7);

        var result = store.Apply(Batch(8, 8, new LiveChanges { ContainersUpserted = [Web3] }, epoch: "20261128T150000-bbbbbbb"));

        Assert.False(result.Applied);
        Assert.Contains("epoch", result.ResubscribeReason);
        Assert.DoesNotContain(store.Containers(), c => c.Name == "web3");

        // The new server's snapshot starts its versions over.
        Assert.True(store.Apply(Snapshot(1, epoch: "20261128T150000-bbbbbbb")).Applied);
        Assert.True(store.Apply(Batch(2, 2, new LiveChanges { ContainersUpserted = [Web3] }, epoch: "20261128T150000-bbbbbbb")).Applied);
        Assert.Equal(2, store.Version);
    }

    [Fact]
    public void A_batch_before_any_snapshot_asks_to_resubscribe()
    {
        var store = new LiveStore();

        var result = store.Apply(Batch(1, 1, new LiveChanges { ContainersUpserted = [Web3] }));

        Assert.False(result.Applied);
        Assert.False(store.HasSnapshot);
        Assert.Empty(store.Containers());
    }

    [Fact]
    public void After_detach_batches_are_refused_until_a_snapshot()
    {
        var store = WithSnapshot(7);

        store.Detach();

        Assert.False(store.IsCurrent);
        Assert.False(store.Apply(Batch(8, 8, new LiveChanges { ContainersUpserted = [Web3] })).Applied);
    }
}
