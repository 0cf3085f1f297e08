using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;

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
    private readonly Dictionary<string, ContainerInfo> _containers = new(StringComparer.Ordinal);
    private readonly Dictionary<NamespaceKeyRef, NamespaceSummary> _namespaces = [];
    private readonly Dictionary<string, DockerNetworkInfo> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, NetnsInfo> _networkNamespaces = [];
    private readonly Dictionary<string, TopologyNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TopologyEdge> _edges = new(StringComparer.Ordinal);
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
        _containers.Clear();
        _namespaces.Clear();
        _networks.Clear();
        _networkNamespaces.Clear();
        _nodes.Clear();
        _edges.Clear();
        _status = snapshot.Status;
        _reachability = null;
        foreach (var c in snapshot.Containers) _containers[c.Id] = c;
        foreach (var n in snapshot.Namespaces) _namespaces[Key(n)] = n;
        foreach (var n in snapshot.Networks) _networks[n.Id] = n;
        foreach (var n in snapshot.NetworkNamespaces) _networkNamespaces[n.Inode] = n;
        foreach (var n in snapshot.Topology.Nodes) _nodes[n.Id] = n;
        foreach (var e in snapshot.Topology.Edges) _edges[e.Id] = e;
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

        var containerIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in changes.ContainersUpserted)
        {
            _containers[c.Id] = c;
            containerIds.Add(c.Id);
        }

        foreach (var id in changes.ContainersRemoved)
        {
            _containers.Remove(id);
            containerIds.Add(id);
        }

        var namespaces = new HashSet<NamespaceKeyRef>();
        foreach (var n in changes.NamespacesUpserted)
        {
            _namespaces[Key(n)] = n;
            namespaces.Add(Key(n));
        }

        foreach (var key in changes.NamespacesRemoved)
        {
            _namespaces.Remove(key);
            namespaces.Add(key);
        }

        kinds |= Upsert(_networks, changes.NetworksUpserted, n => n.Id, changes.NetworksRemoved, DashboardChangeKinds.Networks);
        kinds |= Upsert(_networkNamespaces, changes.NetworkNamespacesUpserted, n => n.Inode, changes.NetworkNamespacesRemoved, DashboardChangeKinds.NetworkNamespaces);
        kinds |= Upsert(_nodes, changes.TopologyNodesUpserted, n => n.Id, changes.TopologyNodesRemoved, DashboardChangeKinds.Topology);
        kinds |= Upsert(_edges, changes.TopologyEdgesUpserted, e => e.Id, changes.TopologyEdgesRemoved, DashboardChangeKinds.Topology);
        if (containerIds.Count > 0 || (kinds & (DashboardChangeKinds.Networks | DashboardChangeKinds.NetworkNamespaces)) != 0)
        {
            // What the report follows from changed: it is worked out again when next asked for.
            _reachability = null;
            kinds |= DashboardChangeKinds.Reachability;
        }

        return new DashboardChange
        {
            Kinds = kinds
                | (containerIds.Count > 0 ? DashboardChangeKinds.Containers : 0)
                | (namespaces.Count > 0 ? DashboardChangeKinds.Namespaces : 0),
            ContainerIds = containerIds,
            Namespaces = namespaces,
        };
    }

    private static DashboardChangeKinds Upsert<TKey, TValue>(
        Dictionary<TKey, TValue> held, IReadOnlyList<TValue> upserted, Func<TValue, TKey> key, IReadOnlyList<TKey> removed, DashboardChangeKinds kind)
        where TKey : notnull
    {
        foreach (var value in upserted)
        {
            held[key(value)] = value;
        }

        foreach (var k in removed)
        {
            held.Remove(k);
        }

        return upserted.Count + removed.Count > 0 ? kind : DashboardChangeKinds.None;
    }

    private static NamespaceKeyRef Key(NamespaceSummary ns) => new() { Type = ns.Type, Inode = ns.Inode };

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

                return _reachability ??= ReachabilityBuilder.Build([.. _containers.Values], [.. _networks.Values], _networkNamespaces.Values);
            }
        }
    }

    public IReadOnlyList<ContainerInfo> Containers()
    {
        lock (_lock)
        {
            return _containers.Values.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal).ToList();
        }
    }

    public IReadOnlyList<NamespaceSummary> Namespaces(NamespaceType? type = null)
    {
        lock (_lock)
        {
            return _namespaces.Values.Where(n => type is null || n.Type == type).OrderBy(n => n.Type).ThenBy(n => n.Inode).ToList();
        }
    }

    public IReadOnlyList<DockerNetworkInfo> Networks()
    {
        lock (_lock)
        {
            return _networks.Values.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        }
    }

    public IReadOnlyList<NetnsInfo> NetworkNamespaces()
    {
        lock (_lock)
        {
            return _networkNamespaces.Values.OrderBy(n => n.Inode).ToList();
        }
    }

    /// <summary>The graph as the API gives it: the host first, then namespaces, interfaces, containers and networks.</summary>
    public TopologyGraph Topology()
    {
        lock (_lock)
        {
            return new TopologyGraph
            {
                Nodes = _nodes.Values.OrderBy(n => KindOrder(n.Kind)).ThenBy(n => n.Id, StringComparer.Ordinal).ToList(),
                Edges = _edges.Values.OrderBy(e => e.Id, StringComparer.Ordinal).ToList(),
            };
        }
    }

    private static int KindOrder(string kind) => kind switch
    {
        TopologyNodeKinds.Host => 0,
        TopologyNodeKinds.Netns => 1,
        TopologyNodeKinds.Interface or TopologyNodeKinds.Bridge => 2,
        TopologyNodeKinds.Container => 3,
        TopologyNodeKinds.Network => 4,
        _ => 5,
    };
}
