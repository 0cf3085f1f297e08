using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>
/// A built state with the serialized form of each thing in it, keyed as clients key them. Two states are compared
/// through these bytes: what a client would receive is what decides whether something changed.
/// </summary>
internal sealed class LiveFingerprints
{
    public required HostState State { get; init; }
    public required byte[] Status { get; init; }
    public required Dictionary<string, byte[]> Containers { get; init; }
    public required Dictionary<(NamespaceType Type, ulong Inode), byte[]> Namespaces { get; init; }
    public required Dictionary<string, byte[]> Networks { get; init; }
    public required Dictionary<ulong, byte[]> NetworkNamespaces { get; init; }
    public required Dictionary<string, byte[]> TopologyNodes { get; init; }
    public required Dictionary<string, byte[]> TopologyEdges { get; init; }

    public static LiveFingerprints Of(HostState state) => new()
    {
        State = state,
        // When the scan ran and how long it took change every time; they travel with real changes, never alone.
        Status = Bytes(state.Status with { ScannedAt = default, ScanMilliseconds = 0 }),
        Containers = state.Containers.ToDictionary(c => c.Id, Bytes, StringComparer.Ordinal),
        Namespaces = state.NamespaceList.ToDictionary(n => (n.Type, n.Inode), Bytes),
        Networks = state.Networks.ToDictionary(n => n.Id, Bytes, StringComparer.Ordinal),
        NetworkNamespaces = state.NetworkNamespaceList.ToDictionary(n => n.Inode, Bytes),
        TopologyNodes = state.Topology.Nodes.ToDictionary(n => n.Id, Bytes, StringComparer.Ordinal),
        TopologyEdges = state.Topology.Edges.ToDictionary(e => e.Id, Bytes, StringComparer.Ordinal),
        // No reachability: clients derive it from the containers and networks (it has an entry per pair of running
        // containers, so fingerprinting and sending it grew with the square of the host's size).
    };

    public LiveSnapshot ToSnapshot() => new()
    {
        Status = State.Status,
        Containers = State.Containers,
        Namespaces = State.NamespaceList,
        Networks = State.Networks,
        NetworkNamespaces = State.NetworkNamespaceList,
        Topology = State.Topology,
    };

    /// <summary>
    /// The JSON of the records a snapshot keeps, part by part in the order of <see cref="ToSnapshot"/>'s lists: the
    /// bytes this diff already made, so that a snapshot need not serialise the state again.
    /// </summary>
    public IReadOnlyList<byte[]>[] SnapshotParts() =>
    [
        [.. State.Containers.Select(c => Containers[c.Id])],
        [.. State.NamespaceList.Select(n => Namespaces[(n.Type, n.Inode)])],
        [.. State.Networks.Select(n => Networks[n.Id])],
        [.. State.NetworkNamespaceList.Select(n => NetworkNamespaces[n.Inode])],
        [.. State.Topology.Nodes.Select(n => TopologyNodes[n.Id])],
        [.. State.Topology.Edges.Select(e => TopologyEdges[e.Id])],
    ];

    private static byte[] Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, DashboardJson.Options);
}

/// <summary>Pure: the changes that take a client from one state to the next, and how many there are.</summary>
internal static class LiveDiff
{
    /// <returns>The changes and their count: each upsert or removal is one change, as is a new status.</returns>
    public static (LiveChanges Changes, int Count) Between(LiveFingerprints before, LiveFingerprints after)
    {
        var (containersUp, containersGone) = Compare(before.Containers, after.Containers);
        var (namespacesUp, namespacesGone) = Compare(before.Namespaces, after.Namespaces);
        var (networksUp, networksGone) = Compare(before.Networks, after.Networks);
        var (netnsUp, netnsGone) = Compare(before.NetworkNamespaces, after.NetworkNamespaces);
        var (nodesUp, nodesGone) = Compare(before.TopologyNodes, after.TopologyNodes);
        var (edgesUp, edgesGone) = Compare(before.TopologyEdges, after.TopologyEdges);

        var count = containersUp.Count + containersGone.Count + namespacesUp.Count + namespacesGone.Count
            + networksUp.Count + networksGone.Count + netnsUp.Count + netnsGone.Count
            + nodesUp.Count + nodesGone.Count + edgesUp.Count + edgesGone.Count;
        var statusChanged = !before.Status.AsSpan().SequenceEqual(after.Status);
        if (statusChanged)
        {
            count++;
        }

        var state = after.State;
        var changes = new LiveChanges
        {
            // Sent with any change, so that the counts and the scan time a client shows are those of the state it holds.
            Status = count > 0 ? state.Status : null,
            ContainersUpserted = Pick(state.Containers, c => c.Id, containersUp),
            ContainersRemoved = containersGone,
            NamespacesUpserted = Pick(state.NamespaceList, n => (n.Type, n.Inode), namespacesUp),
            NamespacesRemoved = namespacesGone.Select(k => new NamespaceKeyRef { Type = k.Type, Inode = k.Inode }).ToList(),
            NetworksUpserted = Pick(state.Networks, n => n.Id, networksUp),
            NetworksRemoved = networksGone,
            NetworkNamespacesUpserted = Pick(state.NetworkNamespaceList, n => n.Inode, netnsUp),
            NetworkNamespacesRemoved = netnsGone,
            TopologyNodesUpserted = Pick(state.Topology.Nodes, n => n.Id, nodesUp),
            TopologyNodesRemoved = nodesGone,
            TopologyEdgesUpserted = Pick(state.Topology.Edges, e => e.Id, edgesUp),
            TopologyEdgesRemoved = edgesGone,
        };
        return (changes, count);
    }

    private static (HashSet<TKey> Upserted, List<TKey> Removed) Compare<TKey>(Dictionary<TKey, byte[]> before, Dictionary<TKey, byte[]> after)
        where TKey : notnull
    {
        var upserted = new HashSet<TKey>(after.Comparer);
        foreach (var (key, bytes) in after)
        {
            if (!before.TryGetValue(key, out var old) || !old.AsSpan().SequenceEqual(bytes))
            {
                upserted.Add(key);
            }
        }

        var removed = before.Keys.Where(k => !after.ContainsKey(k)).ToList();
        return (upserted, removed);
    }

    // In the state's own order, so that clients that append see what the API would list.
    private static List<T> Pick<T, TKey>(IEnumerable<T> items, Func<T, TKey> key, HashSet<TKey> wanted) =>
        wanted.Count == 0 ? [] : items.Where(i => wanted.Contains(key(i))).ToList();
}
