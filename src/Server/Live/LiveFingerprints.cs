using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>
/// A built state with the serialized form of each record in it, part by part (<see cref="StateParts.All"/>), keyed as
/// clients key them. Two states are compared through these bytes: what a client would receive is what decides whether
/// something changed.
/// </summary>
internal sealed class LiveFingerprints
{
    private readonly LiveSnapshot _snapshot;

    private LiveFingerprints(HostState state, LiveSnapshot snapshot, byte[] status, IReadOnlyList<PartFingerprints> parts)
    {
        State = state;
        _snapshot = snapshot;
        Status = status;
        Parts = parts;
    }

    public HostState State { get; }

    public byte[] Status { get; }

    /// <summary>One per part, as <see cref="StateParts.All"/> lists them.</summary>
    internal IReadOnlyList<PartFingerprints> Parts { get; }

    public static LiveFingerprints Of(HostState state)
    {
        var snapshot = new LiveSnapshot
        {
            Status = state.Status,
            Containers = state.Containers,
            Namespaces = state.NamespaceList,
            Networks = state.Networks,
            NetworkNamespaces = state.NetworkNamespaceList,
            Topology = state.Topology,
        };
        // No reachability: clients derive it from the containers and networks (it has an entry per pair of running
        // containers, so fingerprinting and sending it grew with the square of the host's size).
        var make = new Make(snapshot);
        return new LiveFingerprints(
            state,
            snapshot,
            // When the scan ran, how long it took and how many ran change every time; they travel with real changes, never alone.
            Bytes(state.Status with { ScannedAt = default, ScanMilliseconds = 0, Collection = null }),
            [.. StateParts.All.Select(p => p.Accept(make))]);
    }

    public LiveSnapshot ToSnapshot() => _snapshot;

    /// <summary>
    /// The JSON of the records a snapshot keeps, part by part as <see cref="StateParts.All"/> lists them, each in the
    /// state's order: the bytes this diff already made, so that a snapshot need not serialise the state again.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<byte[]>> SnapshotParts() => [.. Parts.Select(p => p.Json())];

    private static byte[] Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, DashboardJson.Options);

    private sealed class Make(LiveSnapshot snapshot) : IStatePartVisitor<PartFingerprints>
    {
        public PartFingerprints Visit<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull =>
            new PartFingerprints<TRecord, TKey>(part, part.Records(snapshot));
    }

    internal abstract class PartFingerprints
    {
        /// <summary>Each record's JSON, in the state's order.</summary>
        public abstract IReadOnlyList<byte[]> Json();

        /// <summary><paramref name="changes"/> with this part's upserts and removals since <paramref name="before"/> (the same part), counted.</summary>
        public abstract LiveChanges ChangesSince(PartFingerprints before, LiveChanges changes, ref int count);
    }

    private sealed class PartFingerprints<TRecord, TKey> : PartFingerprints where TKey : notnull
    {
        private readonly StatePart<TRecord, TKey> _part;
        private readonly IReadOnlyList<TRecord> _records;
        private readonly Dictionary<TKey, byte[]> _bytes;

        public PartFingerprints(StatePart<TRecord, TKey> part, IReadOnlyList<TRecord> records)
        {
            _part = part;
            _records = records;
            _bytes = new Dictionary<TKey, byte[]>(records.Count, part.KeyComparer);
            foreach (var record in records)
            {
                _bytes.Add(part.Key(record), Bytes(record));
            }
        }

        public override IReadOnlyList<byte[]> Json()
        {
            var json = new byte[_records.Count][];
            for (var i = 0; i < json.Length; i++)
            {
                json[i] = _bytes[_part.Key(_records[i])];
            }

            return json;
        }

        public override LiveChanges ChangesSince(PartFingerprints before, LiveChanges changes, ref int count)
        {
            var (upserted, removed) = LiveDiff.Compare(((PartFingerprints<TRecord, TKey>)before)._bytes, _bytes);
            count += upserted.Count + removed.Count;
            return _part.WithChanges(changes, LiveDiff.Pick(_records, _part.Key, upserted), removed);
        }
    }
}
