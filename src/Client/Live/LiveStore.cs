using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Dashboard.Shared.Model;

namespace Dashboard.Client.Live;

/// <summary>What applying one item of the live stream did.</summary>
public sealed record LiveApplyResult
{
    /// <summary>What changed, when the item was applied.</summary>
    public DashboardChange? Change { get; private init; }

    /// <summary>Why the item could not be applied; the caller must subscribe again and start from a snapshot.</summary>
    public string? ResubscribeReason { get; private init; }

    public bool Applied => Change is not null;

    public static LiveApplyResult Done(DashboardChange change) => new() { Change = change };

    public static LiveApplyResult Resubscribe(string reason) => new() { ResubscribeReason = reason };
}

/// <summary>
/// The client's copy of the live state, keyed as the hub's contract keys it. Applies a snapshot whole and a change
/// batch only when it follows on from the version held in the same epoch; anything else means an item was missed,
/// and the store refuses batches until the next snapshot. Knows nothing of the connection, so it is tested with
/// plain messages.
/// </summary>
public sealed class LiveStore
{
    // Readers are pages; the writer is the subscription loop. In the browser they share one thread, elsewhere not.
    private readonly Lock _lock = new();
    // What a change to each part means to the pages; the reachability report follows from the first three.
    private static readonly Dictionary<StatePart, DashboardChangeKinds> s_kinds = new()
    {
        [StateParts.Containers] = DashboardChangeKinds.Containers,
        [StateParts.Networks] = DashboardChangeKinds.Networks,
        [StateParts.NetworkNamespaces] = DashboardChangeKinds.NetworkNamespaces,
        [StateParts.Namespaces] = DashboardChangeKinds.Namespaces,
        [StateParts.TopologyNodes] = DashboardChangeKinds.Topology,
        [StateParts.TopologyEdges] = DashboardChangeKinds.Topology,
    };

    private const DashboardChangeKinds ReachabilityInputs =
        DashboardChangeKinds.Containers | DashboardChangeKinds.Networks | DashboardChangeKinds.NetworkNamespaces;

    private readonly IReadOnlyList<HeldPart> _parts = [.. StateParts.All.Select(p => p.Accept(new Hold()))];
    private StatusInfo? _status;
    // Worked out from the containers, networks and network namespaces when asked for; forgotten when they change.
    private ReachabilityReport? _reachability;
    private bool _awaitingSnapshot = true;

    /// <summary>The server run the held version belongs to; null before the first snapshot.</summary>
    public string? Epoch { get; private set; }

    /// <summary>The version held.</summary>
    public long Version { get; private set; }

    /// <summary>True once a snapshot was applied; the data stays (possibly stale) while a new subscription is made.</summary>
    public bool HasSnapshot { get; private set; }

    /// <summary>True while the held data follows the stream: a snapshot was applied and no item was missed since.</summary>
    public bool IsCurrent
    {
        get
        {
            lock (_lock)
            {
                return HasSnapshot && !_awaitingSnapshot;
            }
        }
    }

    public LiveApplyResult Apply(LiveMessage message)
    {
        lock (_lock)
        {
            if (message.Snapshot is { } snapshot)
            {
                ApplySnapshot(message, snapshot);
                return LiveApplyResult.Done(new DashboardChange { Kinds = DashboardChangeKinds.Data, Everything = true });
            }

            if (message.Changes is not { } changes)
            {
                return Refuse($"item {message.FromVersion}..{message.ToVersion} has neither a snapshot nor changes");
            }

            if (_awaitingSnapshot)
            {
                return Refuse("a batch came before the snapshot");
            }

            if (message.Epoch != Epoch)
            {
                return Refuse($"new epoch {message.Epoch} (held {Epoch}): the server restarted");
            }

            if (message.FromVersion != Version + 1 || message.ToVersion < message.FromVersion)
            {
                return Refuse($"gap: held version {Version}, got {message.FromVersion}..{message.ToVersion}");
            }

            var change = ApplyChanges(changes);
            Version = message.ToVersion;
            return LiveApplyResult.Done(change);
        }
    }

    /// <summary>Marks the held data as no longer followed (the subscription ended): batches are refused until a snapshot.</summary>
    public void Detach()
    {
        lock (_lock)
        {
            _awaitingSnapshot = true;
        }
    }

    private LiveApplyResult Refuse(string reason)
    {
        _awaitingSnapshot = true;
        return LiveApplyResult.Resubscribe(reason);
    }

    private void ApplySnapshot(LiveMessage message, LiveSnapshot snapshot)
    {
        foreach (var part in _parts)
        {
            part.Load(snapshot);
        }

        _status = snapshot.Status;
        _reachability = null;
        Epoch = message.Epoch;
        Version = message.ToVersion;
        HasSnapshot = true;
        _awaitingSnapshot = false;
    }

    private DashboardChange ApplyChanges(LiveChanges changes)
    {
        var kinds = DashboardChangeKinds.None;
        if (changes.Status is { } status)
        {
            _status = status;
            kinds |= DashboardChangeKinds.Status;
        }

        foreach (var part in _parts)
        {
            if (part.Apply(changes))
            {
                kinds |= s_kinds[part.Part];
            }
        }

        if ((kinds & ReachabilityInputs) != 0)
        {
            // What the report follows from changed: it is worked out again when next asked for.
            _reachability = null;
            kinds |= DashboardChangeKinds.Reachability;
        }

        return new DashboardChange
        {
            Kinds = kinds,
            ContainerIds = Touched(StateParts.Containers, changes),
            Namespaces = Touched(StateParts.Namespaces, changes),
        };
    }

    private static HashSet<TKey> Touched<TRecord, TKey>(StatePart<TRecord, TKey> part, LiveChanges changes) where TKey : notnull
    {
        var keys = new HashSet<TKey>(part.Upserted(changes).Select(part.Key), part.KeyComparer);
        keys.UnionWith(part.Removed(changes));
        return keys;
    }

    // Readers get copies in the REST API's order, so a page shows the same whichever source answered.

    public StatusInfo? Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>
    /// The report as <c>GET /api/topology/reachability</c> gives it for the held state, worked out here by the same
    /// rules (the stream does not carry it); null before the first snapshot.
    /// </summary>
    public ReachabilityReport? Reachability
    {
        get
        {
            lock (_lock)
            {
                if (!HasSnapshot)
                {
                    return null;
                }

                return _reachability ??= ReachabilityBuilder.Build(
                    [.. Held(StateParts.Containers).Values], [.. Held(StateParts.Networks).Values], Held(StateParts.NetworkNamespaces).Values);
            }
        }
    }

    public IReadOnlyList<ContainerInfo> Containers() => Ordered(StateParts.Containers);

    public IReadOnlyList<NamespaceSummary> Namespaces(NamespaceType? type = null)
    {
        lock (_lock)
        {
            var held = Held(StateParts.Namespaces).Values;
            return StateParts.Namespaces.Order(type is null ? held : held.Where(n => n.Type == type), new StatePartLists());
        }
    }

    public IReadOnlyList<DockerNetworkInfo> Networks() => Ordered(StateParts.Networks);

    public IReadOnlyList<NetnsInfo> NetworkNamespaces() => Ordered(StateParts.NetworkNamespaces);

    /// <summary>The graph as the API gives it (see <see cref="TopologyOrder"/>).</summary>
    public TopologyGraph Topology()
    {
        lock (_lock)
        {
            var nodes = new StatePartLists();
            nodes.Set(StateParts.TopologyNodes, StateParts.TopologyNodes.Order(Held(StateParts.TopologyNodes).Values, nodes));
            return new TopologyGraph
            {
                Nodes = nodes.Get(StateParts.TopologyNodes),
                Edges = StateParts.TopologyEdges.Order(Held(StateParts.TopologyEdges).Values, nodes),
            };
        }
    }

    private List<TRecord> Ordered<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull
    {
        lock (_lock)
        {
            return part.Order(Held(part).Values, new StatePartLists());
        }
    }

    private Dictionary<TKey, TRecord> Held<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull =>
        ((HeldPart<TRecord, TKey>)_parts.Single(p => p.Part == part)).Records;

    /// <summary>The records of one part, by key.</summary>
    private abstract class HeldPart
    {
        public abstract StatePart Part { get; }

        public abstract void Load(LiveSnapshot snapshot);

        /// <summary>Applies the part's upserts and removals; true when there were any.</summary>
        public abstract bool Apply(LiveChanges changes);
    }

    private sealed class HeldPart<TRecord, TKey>(StatePart<TRecord, TKey> part) : HeldPart where TKey : notnull
    {
        public Dictionary<TKey, TRecord> Records { get; } = new(part.KeyComparer);

        public override StatePart Part => part;

        public override void Load(LiveSnapshot snapshot)
        {
            Records.Clear();
            foreach (var record in part.Records(snapshot))
            {
                Records[part.Key(record)] = record;
            }
        }

        public override bool Apply(LiveChanges changes)
        {
            var upserted = part.Upserted(changes);
            var removed = part.Removed(changes);
            foreach (var record in upserted)
            {
                Records[part.Key(record)] = record;
            }

            foreach (var key in removed)
            {
                Records.Remove(key);
            }

            return upserted.Count + removed.Count > 0;
        }
    }

    private sealed class Hold : IStatePartVisitor<HeldPart>
    {
        public HeldPart Visit<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull => new HeldPart<TRecord, TKey>(part);
    }
}
