using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Shared.Live;

/// <summary>The parts of the host's state that the live stream carries and a snapshot keeps, as both contracts name them.</summary>
public interface IStateParts
{
    /// <summary>As <c>GET /api/containers</c>.</summary>
    IReadOnlyList<ContainerInfo> Containers { get; }
    /// <summary>As <c>GET /api/namespaces</c>.</summary>
    IReadOnlyList<NamespaceSummary> Namespaces { get; }
    /// <summary>As <c>GET /api/networks</c>.</summary>
    IReadOnlyList<DockerNetworkInfo> Networks { get; }
    /// <summary>As <c>GET /api/netns</c>.</summary>
    IReadOnlyList<NetnsInfo> NetworkNamespaces { get; }
    /// <summary>As <c>GET /api/topology</c>.</summary>
    TopologyGraph Topology { get; }
}

/// <summary>Does something with one part, knowing its record and key types (a part is listed as a plain <see cref="StatePart"/>).</summary>
public interface IStatePartVisitor<out TResult>
{
    /// <summary>Called with the part itself.</summary>
    TResult Visit<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull;
}

/// <summary>One part of the state: a kind of record, how records are keyed, and the order the REST API lists them in.</summary>
public abstract class StatePart
{
    /// <summary>
    /// Short and stable: the snapshot file's column for the part's list is named so; it is never renamed.
    /// </summary>
    public required string Name { get; init; }

    /// <summary>Calls the visitor with the typed part.</summary>
    public abstract TResult Accept<TResult>(IStatePartVisitor<TResult> visitor);

    /// <summary>How many records of this part <paramref name="changes"/> upserts or removes.</summary>
    public abstract int ChangeCount(LiveChanges changes);
}

/// <inheritdoc />
public sealed class StatePart<TRecord, TKey> : StatePart where TKey : notnull
{
    /// <summary>What a client keys a record by; removals in <see cref="LiveChanges"/> name records by it.</summary>
    public required Func<TRecord, TKey> Key { get; init; }

    /// <summary>Equality of keys.</summary>
    public required IEqualityComparer<TKey> KeyComparer { get; init; }

    /// <summary>
    /// The records in the order the REST API lists them: the server's lists and the client's reads use it. The lists
    /// are those of the parts before this one in <see cref="StateParts.All"/>, already in order (edges follow nodes).
    /// </summary>
    public required Func<IEnumerable<TRecord>, StatePartLists, List<TRecord>> Order { get; init; }

    /// <summary>The part's records in a snapshot or live state.</summary>
    public required Func<IStateParts, IReadOnlyList<TRecord>> Records { get; init; }

    /// <summary>The records a change batch adds or changes.</summary>
    public required Func<LiveChanges, IReadOnlyList<TRecord>> Upserted { get; init; }

    /// <summary>The keys of the records a change batch removes.</summary>
    public required Func<LiveChanges, IReadOnlyList<TKey>> Removed { get; init; }

    /// <summary>A copy of a change batch with this part's upserts and removals set.</summary>
    public required Func<LiveChanges, IReadOnlyList<TRecord>, IReadOnlyList<TKey>, LiveChanges> WithChanges { get; init; }

    /// <inheritdoc />
    public override TResult Accept<TResult>(IStatePartVisitor<TResult> visitor) => visitor.Visit(this);

    /// <inheritdoc />
    public override int ChangeCount(LiveChanges changes) => Upserted(changes).Count + Removed(changes).Count;
}

/// <summary>
/// Every part of the state, described once: the publisher fingerprints and diffs them, the snapshot store writes and
/// reads them, the client store holds them, and all of them order records as the REST API does. Adding a part means a
/// property on the contracts (<see cref="IStateParts"/>, <see cref="LiveChanges"/>), an entry here, and a schema step
/// that adds the snapshot column named <see cref="StatePart.Name"/>.
/// </summary>
public static class StateParts
{
    /// <summary>Containers, by full id, ordered by name.</summary>
    public static StatePart<ContainerInfo, string> Containers { get; } = new()
    {
        Name = "containers",
        Key = c => c.Id,
        KeyComparer = StringComparer.Ordinal,
        Order = (all, _) => [.. all.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal)],
        Records = s => s.Containers,
        Upserted = c => c.ContainersUpserted,
        Removed = c => c.ContainersRemoved,
        WithChanges = (c, up, gone) => c with { ContainersUpserted = up, ContainersRemoved = gone },
    };

    /// <summary>Namespaces of every type, by type and inode, ordered so. Removals travel as <see cref="NamespaceKeyRef"/>.</summary>
    public static StatePart<NamespaceSummary, NamespaceKey> Namespaces { get; } = new()
    {
        Name = "namespaces",
        Key = n => new NamespaceKey(n.Type, n.Inode),
        KeyComparer = EqualityComparer<NamespaceKey>.Default,
        Order = (all, _) => [.. all.OrderBy(n => n.Type).ThenBy(n => n.Inode)],
        Records = s => s.Namespaces,
        Upserted = c => c.NamespacesUpserted,
        Removed = c => [.. c.NamespacesRemoved.Select(k => k.ToKey())],
        WithChanges = (c, up, gone) => c with { NamespacesUpserted = up, NamespacesRemoved = [.. gone.Select(NamespaceKeyRef.From)] },
    };

    /// <summary>Docker networks, by full id, ordered by name.</summary>
    public static StatePart<DockerNetworkInfo, string> Networks { get; } = new()
    {
        Name = "networks",
        Key = n => n.Id,
        KeyComparer = StringComparer.Ordinal,
        Order = (all, _) => [.. all.OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Id, StringComparer.Ordinal)],
        Records = s => s.Networks,
        Upserted = c => c.NetworksUpserted,
        Removed = c => c.NetworksRemoved,
        WithChanges = (c, up, gone) => c with { NetworksUpserted = up, NetworksRemoved = gone },
    };

    /// <summary>Network namespaces, by inode, the host's initial one first.</summary>
    public static StatePart<NetnsInfo, ulong> NetworkNamespaces { get; } = new()
    {
        Name = "netns",
        Key = n => n.Inode,
        KeyComparer = EqualityComparer<ulong>.Default,
        Order = (all, _) => [.. all.OrderBy(n => !n.IsInitial).ThenBy(n => n.Inode)],
        Records = s => s.NetworkNamespaces,
        Upserted = c => c.NetworkNamespacesUpserted,
        Removed = c => c.NetworkNamespacesRemoved,
        WithChanges = (c, up, gone) => c with { NetworkNamespacesUpserted = up, NetworkNamespacesRemoved = gone },
    };

    /// <summary>Topology nodes, by id, in <see cref="TopologyOrder.Nodes"/>.</summary>
    public static StatePart<TopologyNode, string> TopologyNodes { get; } = new()
    {
        Name = "nodes",
        Key = n => n.Id,
        KeyComparer = StringComparer.Ordinal,
        Order = (all, _) => TopologyOrder.Nodes(all),
        Records = s => s.Topology.Nodes,
        Upserted = c => c.TopologyNodesUpserted,
        Removed = c => c.TopologyNodesRemoved,
        WithChanges = (c, up, gone) => c with { TopologyNodesUpserted = up, TopologyNodesRemoved = gone },
    };

    /// <summary>Topology edges, by id. Their order follows the nodes', so it needs them: see <see cref="TopologyOrder.Edges"/>.</summary>
    public static StatePart<TopologyEdge, string> TopologyEdges { get; } = new()
    {
        Name = "edges",
        Key = e => e.Id,
        KeyComparer = StringComparer.Ordinal,
        Order = (all, ordered) => TopologyOrder.Edges(all, ordered.Get(TopologyNodes)),
        Records = s => s.Topology.Edges,
        Upserted = c => c.TopologyEdgesUpserted,
        Removed = c => c.TopologyEdgesRemoved,
        WithChanges = (c, up, gone) => c with { TopologyEdgesUpserted = up, TopologyEdgesRemoved = gone },
    };

    /// <summary>Every part, in the order a snapshot's lists are handed to the store.</summary>
    public static IReadOnlyList<StatePart> All { get; } = [Containers, Namespaces, Networks, NetworkNamespaces, TopologyNodes, TopologyEdges];

    /// <summary>The parts as a snapshot keeps them, from lists given part by part (as <see cref="All"/> lists them).</summary>
    public static SnapshotState ToSnapshotState(StatePartLists lists) => new()
    {
        Containers = lists.Get(Containers),
        Namespaces = lists.Get(Namespaces),
        Networks = lists.Get(Networks),
        NetworkNamespaces = lists.Get(NetworkNamespaces),
        Topology = new TopologyGraph { Nodes = lists.Get(TopologyNodes), Edges = lists.Get(TopologyEdges) },
    };

    /// <summary>The parts of a live state as a snapshot keeps them (no copies: the same lists).</summary>
    public static SnapshotState ToSnapshotState(IStateParts state) => ToSnapshotState(StatePartLists.Of(state));

    /// <summary>Every list of <paramref name="lists"/> in REST order, part after part as <see cref="All"/> lists them.</summary>
    public static StatePartLists InOrder(StatePartLists lists)
    {
        var ordered = new StatePartLists();
        foreach (var part in All)
        {
            part.Accept(new Sort(lists, ordered));
        }

        return ordered;
    }

    private sealed class Sort(StatePartLists from, StatePartLists to) : IStatePartVisitor<bool>
    {
        public bool Visit<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull
        {
            to.Set(part, part.Order(from.Get(part), to));
            return true;
        }
    }
}

/// <summary>One list of records per part, set and read by the typed part.</summary>
public sealed class StatePartLists
{
    private readonly Dictionary<StatePart, object> _lists = [];

    /// <summary>The lists of a state as it holds them.</summary>
    public static StatePartLists Of(IStateParts state)
    {
        var lists = new StatePartLists();
        foreach (var part in StateParts.All)
        {
            part.Accept(new Copy(state, lists));
        }

        return lists;
    }

    /// <summary>Sets the part's list.</summary>
    public void Set<TRecord, TKey>(StatePart<TRecord, TKey> part, IReadOnlyList<TRecord> records) where TKey : notnull =>
        _lists[part] = records;

    /// <summary>The part's list; a part never set is a mistake of the caller.</summary>
    public IReadOnlyList<TRecord> Get<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull =>
        _lists.TryGetValue(part, out var records)
            ? (IReadOnlyList<TRecord>)records
            : throw new InvalidOperationException($"The part '{part.Name}' was not given.");

    private sealed class Copy(IStateParts state, StatePartLists lists) : IStatePartVisitor<bool>
    {
        public bool Visit<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull
        {
            lists.Set(part, part.Records(state));
            return true;
        }
    }
}
