using Dashboard.Server.Collection.Docker;
using Dashboard.Server.Configuration;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Dashboard.UnitTests.State;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.UnitTests.Live;

/// <summary>Versions, diffs and the bounded queues, on hand-made states.</summary>
public sealed class LivePublisherTests
{
    private static long s_clock;

    internal static HostState State(params DockerContainer[] containers)
    {
        var processes = containers.Where(c => c.Pid is not null)
            .Select(c => HostStateBuilderTests.Proc(c.Pid!.Value, 1, HostStateBuilderTests.Own(4026532200UL + (ulong)c.Pid!.Value)))
            .Prepend(HostStateBuilderTests.Proc(2, 0, HostStateBuilderTests.Initial))
            .ToArray();
        return HostStateBuilder.Build(HostStateBuilderTests.Scan(processes), HostStateBuilderTests.Docker(containers), "unix:///var/run/docker.sock", ++s_clock);
    }

    private static LivePublisher Publisher(int buffer = 64) =>
        new(Options.Create(new DashboardOptions { LiveSubscriberBuffer = buffer }), NullLogger<LivePublisher>.Instance);

    [Fact]
    public void DiffNamesExactlyWhatChanged()
    {
        var before = LiveFingerprints.Of(State(HostStateBuilderTests.Container("web1", 100), HostStateBuilderTests.Container("old", 200)));
        var after = LiveFingerprints.Of(State(HostStateBuilderTests.Container("web1", 100), HostStateBuilderTests.Container("web2", 300)));

        var (changes, count) = LiveDiff.Between(before, after);
        // web2 is new; web1 did not change: the host's namespaces it shares with others do not name them in its record.
        Assert.Equal(["web2"], changes.ContainersUpserted.Select(c => c.Name));
        Assert.Equal([HostStateBuilderTests.Container("old", 200).Id], changes.ContainersRemoved);
        // old's five own namespaces went, web2's five came (same inodes are reused by the sample: they are upserts).
        Assert.All(changes.NamespacesRemoved, k => Assert.NotEqual(HostStateBuilderTests.Initial[k.Type], k.Inode));
        Assert.NotNull(changes.Status);
        Assert.Equal(
            changes.ContainersUpserted.Count + changes.ContainersRemoved.Count + changes.NamespacesUpserted.Count + changes.NamespacesRemoved.Count
            + changes.NetworksUpserted.Count + changes.NetworksRemoved.Count + changes.NetworkNamespacesUpserted.Count + changes.NetworkNamespacesRemoved.Count
            + changes.TopologyNodesUpserted.Count + changes.TopologyNodesRemoved.Count + changes.TopologyEdgesUpserted.Count + changes.TopologyEdgesRemoved.Count,
            count);
        // Two containers before and after: the status did not change and is not counted, but travels with the batch.
        Assert.Equal(2, changes.Status.ContainerCount);
    }

    [Fact]
    public void SameStateAgainIsNoChangeEvenThoughTheScanTimeMoved()
    {
        var containers = new[] { HostStateBuilderTests.Container("web1", 100) };
        var first = State(containers);
        var second = State(containers);
        second = new HostState
        {
            Status = second.Status with { ScannedAt = DateTimeOffset.UnixEpoch.AddSeconds(2), ScanMilliseconds = 7 },
            Containers = second.Containers, Networks = second.Networks, Processes = second.Processes, Namespaces = second.Namespaces,
            NamespaceList = second.NamespaceList, NetworkNamespaceList = second.NetworkNamespaceList, NetworkNamespaces = second.NetworkNamespaces,
            Topology = second.Topology, StartedAt = second.StartedAt,
        };

        var (changes, count) = LiveDiff.Between(LiveFingerprints.Of(first), LiveFingerprints.Of(second));

        Assert.Equal(0, count);
        Assert.Null(changes.Status);
    }

    [Fact]
    public async Task SubscribersGetTheSnapshotThenBatchesWhoseVersionsFollowOn()
    {
        var publisher = Publisher();
        publisher.Publish(State(HostStateBuilderTests.Container("web1", 100)));
        await using var stream = publisher.SubscribeAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        Assert.True(await stream.MoveNextAsync());
        var snapshot = stream.Current;
        Assert.Equal(publisher.Epoch, snapshot.Epoch);
        Assert.Equal((0L, 0L), (snapshot.FromVersion, snapshot.ToVersion));
        Assert.Equal(["web1"], snapshot.Snapshot!.Containers.Select(c => c.Name));

        publisher.Publish(State(HostStateBuilderTests.Container("web1", 100), HostStateBuilderTests.Container("web2", 200)));
        publisher.Publish(State(HostStateBuilderTests.Container("web2", 200)));
        Assert.True(await stream.MoveNextAsync());
        var first = stream.Current;
        Assert.True(await stream.MoveNextAsync());
        var second = stream.Current;

        Assert.Equal(1, first.FromVersion);
        Assert.Equal(first.ToVersion + 1, second.FromVersion);
        Assert.Equal(publisher.Version, second.ToVersion);
        Assert.Equal(["web2"], first.Changes!.ContainersUpserted.Select(c => c.Name));
        Assert.Equal([HostStateBuilderTests.Container("web1", 100).Id], second.Changes!.ContainersRemoved);
        Assert.Null(first.Snapshot);
    }

    [Fact]
    public async Task ASubscriberThatStopsReadingIsDroppedWithoutHoldingUpTheOthers()
    {
        var publisher = Publisher(buffer: 4);
        publisher.Publish(State());
        await using var slow = publisher.SubscribeAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        await using var fast = publisher.SubscribeAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await slow.MoveNextAsync()); // takes its snapshot, then reads no more
        Assert.True(await fast.MoveNextAsync());
        Assert.Equal(2, publisher.SubscriberCount);

        var received = new List<LiveMessage>();
        for (var i = 0; i < 20; i++)
        {
            publisher.Publish(i % 2 == 0 ? State(HostStateBuilderTests.Container("web1", 100)) : State());
            Assert.True(await fast.MoveNextAsync());
            received.Add(fast.Current);
        }

        Assert.Equal(1, publisher.DroppedCount);
        Assert.Equal(1, publisher.SubscriberCount);
        // The fast one missed nothing.
        Assert.Equal(Enumerable.Range(0, 19).Select(i => received[i].ToVersion + 1), received.Skip(1).Select(m => m.FromVersion));
        // The slow one reads what was queued before it was dropped, then learns why it ended.
        var queued = 0;
        var ended = await Assert.ThrowsAsync<LiveSubscriberTooSlowException>(async () =>
        {
            while (await slow.MoveNextAsync())
            {
                queued++;
            }
        });
        Assert.Equal(4, queued);
        Assert.Contains("subscribe again", ended.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OffersFasterThanTheBatchIntervalAreCoalescedIntoOneBatch()
    {
        var publisher = Publisher();
        using var stop = new CancellationTokenSource();
        var running = publisher.RunAsync(stop.Token);
        publisher.Offer(State());
        await using var stream = publisher.SubscribeAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await stream.MoveNextAsync());

        // Three states within a few microseconds: web1 comes, web2 comes, web1 goes.
        publisher.Offer(State(HostStateBuilderTests.Container("web1", 100)));
        publisher.Offer(State(HostStateBuilderTests.Container("web1", 100), HostStateBuilderTests.Container("web2", 200)));
        publisher.Offer(State(HostStateBuilderTests.Container("web2", 200)));
        // Whether the first offer goes out alone depends on timing; after it, the next batch waits out the interval,
        // by when the newer offers have replaced each other. So one or two batches, never three, and web2 alone at the end.
        var held = new Dictionary<string, string>();
        var messages = 0;
        while (!(held.Count == 1 && held.ContainsValue("web2")))
        {
            Assert.True(await stream.MoveNextAsync());
            messages++;
            foreach (var c in stream.Current.Changes!.ContainersUpserted) held[c.Id] = c.Name;
            foreach (var id in stream.Current.Changes!.ContainersRemoved) held.Remove(id);
        }

        Assert.InRange(messages, 1, 2);
        await stop.CancelAsync();
        await running;
    }
}
