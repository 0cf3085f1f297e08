using Dashboard.Server.Live;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Dashboard.UnitTests.Live;
using Dashboard.UnitTests.State;

namespace Dashboard.UnitTests.Storage;

/// <summary>The store may hash the live diff's bytes instead of serialising again only if they are the same bytes.</summary>
public sealed class SnapshotEncodingTests
{
    [Fact]
    public void TheLiveDiffsBytesAreWhatTheStoreWouldMake()
    {
        var state = LivePublisherTests.State(HostStateBuilderTests.Container("web1", 100), HostStateBuilderTests.Container("web2", 200));
        var records = LiveFingerprints.Of(state);
        var snapshot = SnapshotStates.From(records.ToSnapshot());
        var plain = new SnapshotRecord(snapshot, SnapshotReason.Timer, "e", 1, DateTimeOffset.UnixEpoch);

        var own = SnapshotContent.Encode(plain);
        var reused = SnapshotContent.Encode(plain with { Json = records.SnapshotParts() });

        Assert.Equal(6, own.Length);
        Assert.Equal(snapshot.Containers.Count, own[0].Length);
        Assert.Equal(snapshot.Namespaces.Count, own[1].Length);
        Assert.NotEmpty(own[1]);
        Assert.Equal(own.Select(p => p.Select(i => (i.Hash, Convert.ToHexString(i.Json)))), reused.Select(p => p.Select(i => (i.Hash, Convert.ToHexString(i.Json)))));
    }

    [Fact]
    public void BytesThatDoNotMatchTheStateAreRefused()
    {
        var state = LivePublisherTests.State(HostStateBuilderTests.Container("web1", 100));
        var records = LiveFingerprints.Of(state);
        var plain = new SnapshotRecord(SnapshotStates.From(records.ToSnapshot()), SnapshotReason.Timer, "e", 1, DateTimeOffset.UnixEpoch);
        var parts = records.SnapshotParts().ToList();
        parts[0] = [];

        Assert.Throws<ArgumentException>(() => SnapshotContent.Encode(plain with { Json = parts }));
    }
}
