using Dashboard.Shared.Live;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Live;

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
            NamespacesUpserted = Pick(state.NamespaceList, n => new NamespaceKey(n.Type, n.Inode), namespacesUp),
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
