using System.Globalization;

namespace Dashboard.Shared.Contracts;

/// <summary>
/// The order <c>GET /api/topology</c> lists nodes and edges in, worked out from the records alone so that a client
/// holding them in any order lists them the same. Nodes: the host, the other network namespaces by inode, the
/// interfaces namespace by namespace (the host's first) by index, the Docker networks by name, the containers by name.
/// Edges follow the node they are drawn from: an interface's membership, its veth pair (at whichever end comes first)
/// and its bridge port; a bridge's membership of its network at the network; a container's namespace, then its
/// networks by name.
/// </summary>
public static class TopologyOrder
{
    /// <summary>The nodes, given in any order, in the API's order.</summary>
    public static List<TopologyNode> Nodes(IEnumerable<TopologyNode> nodes)
    {
        var all = nodes as IReadOnlyCollection<TopologyNode> ?? [.. nodes];
        // Interfaces sort by their namespace: the host's first, then the others by inode.
        var namespaces = new Dictionary<string, (int, ulong)>(StringComparer.Ordinal);
        foreach (var node in all)
        {
            if (node.Kind is TopologyNodeKinds.Host or TopologyNodeKinds.Netns)
            {
                namespaces[node.Id] = (node.Kind == TopologyNodeKinds.Host ? 0 : 1, Number(node, "inode"));
            }
        }

        return
        [
            .. all
                .OrderBy(n => NodeRank(n.Kind))
                .ThenBy(n => Namespace(n, namespaces))
                .ThenBy(n => n.Kind is TopologyNodeKinds.Interface or TopologyNodeKinds.Bridge ? Number(n, "index") : 0)
                .ThenBy(n => n.Kind is TopologyNodeKinds.Network or TopologyNodeKinds.Container ? n.Label : "", StringComparer.Ordinal)
                .ThenBy(n => n.Id, StringComparer.Ordinal),
        ];
    }

    /// <param name="edges">The edges, in any order.</param>
    /// <param name="nodes">The graph's nodes in <see cref="Nodes"/>' order; an edge to a node not among them goes last.</param>
    /// <summary>The edges in the API's order.</summary>
    public static List<TopologyEdge> Edges(IEnumerable<TopologyEdge> edges, IReadOnlyList<TopologyNode> nodes)
    {
        var position = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            position[nodes[i].Id] = i;
        }

        var networks = nodes.Where(n => n.Kind == TopologyNodeKinds.Network).ToDictionary(n => n.Id, n => n.Label, StringComparer.Ordinal);
        int At(string id) => position.GetValueOrDefault(id, int.MaxValue);
        (int Anchor, int Step, string Network) Place(TopologyEdge e) => e.Kind switch
        {
            TopologyEdgeKinds.MemberOf when networks.ContainsKey(e.Target) => (At(e.Target), 0, ""),
            TopologyEdgeKinds.MemberOf => (At(e.Source), 0, ""),
            TopologyEdgeKinds.Veth => (Math.Min(At(e.Source), At(e.Target)), 1, ""),
            TopologyEdgeKinds.InNetwork => (At(e.Source), 1, networks.GetValueOrDefault(e.Target, "")),
            TopologyEdgeKinds.BridgePort => (At(e.Source), 2, ""),
            _ => (At(e.Source), 3, ""),
        };

        return
        [
            .. edges
                .Select(e => (Edge: e, Place: Place(e)))
                .OrderBy(p => p.Place.Anchor)
                .ThenBy(p => p.Place.Step)
                .ThenBy(p => p.Place.Network, StringComparer.Ordinal)
                .ThenBy(p => p.Edge.Id, StringComparer.Ordinal)
                .Select(p => p.Edge),
        ];
    }

    private static int NodeRank(string kind) => kind switch
    {
        TopologyNodeKinds.Host => 0,
        TopologyNodeKinds.Netns => 1,
        TopologyNodeKinds.Interface or TopologyNodeKinds.Bridge => 2,
        TopologyNodeKinds.Network => 3,
        TopologyNodeKinds.Container => 4,
        _ => 5,
    };

    private static (int, ulong) Namespace(TopologyNode node, Dictionary<string, (int, ulong)> namespaces) => node.Kind switch
    {
        TopologyNodeKinds.Netns => namespaces[node.Id],
        TopologyNodeKinds.Interface or TopologyNodeKinds.Bridge => node.Parent is { } parent && namespaces.TryGetValue(parent, out var ns) ? ns : (2, 0),
        _ => (0, 0),
    };

    private static ulong Number(TopologyNode node, string detail) =>
        node.Details.TryGetValue(detail, out var text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
