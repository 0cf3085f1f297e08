namespace Dashboard.Shared.Contracts;

/// <summary>
/// The host's network wiring as a graph: <c>GET /api/topology</c>. Namespaces, the containers in them, their interfaces,
/// veth wires, bridges and the Docker networks the bridges implement.
/// </summary>
public sealed record TopologyGraph
{
    /// <summary>Every node, the host first, then namespaces, interfaces, containers and networks.</summary>
    public required IReadOnlyList<TopologyNode> Nodes { get; init; }
    /// <summary>Every edge; both ends are ids of <see cref="Nodes"/>.</summary>
    public required IReadOnlyList<TopologyEdge> Edges { get; init; }
}

/// <summary>A node of the topology graph.</summary>
public sealed record TopologyNode
{
    /// <summary>
    /// Stable while the thing exists and never reused after it is gone: <c>host</c>, <c>netns:&lt;inode&gt;:&lt;cookie&gt;</c>,
    /// <c>if:&lt;inode&gt;:&lt;cookie&gt;#&lt;index&gt;</c> (the namespace's SO_NETNS_COOKIE; where the kernel gives none,
    /// <c>&lt;inode&gt;.&lt;generation&gt;</c> instead of <c>&lt;inode&gt;:&lt;cookie&gt;</c>), <c>container:&lt;full id&gt;</c>,
    /// <c>network:&lt;full id&gt;</c>.
    /// </summary>
    public required string Id { get; init; }
    /// <summary>One of <see cref="TopologyNodeKinds"/>.</summary>
    public required string Kind { get; init; }
    /// <summary>What to print on the node: a name, or the inode of a namespace without one.</summary>
    public required string Label { get; init; }
    /// <summary>The id of the node that contains this one (an interface's namespace or the host); null at the top.</summary>
    public string? Parent { get; init; }
    /// <summary>Facts to show when the node is selected (addresses, MAC, driver…), as display strings.</summary>
    public required IReadOnlyDictionary<string, string> Details { get; init; }
}

/// <summary>An edge of the topology graph.</summary>
public sealed record TopologyEdge
{
    /// <summary>Unique within the graph and stable as long as both ends are.</summary>
    public required string Id { get; init; }
    /// <summary>The id of the node the edge starts from.</summary>
    public required string Source { get; init; }
    /// <summary>The id of the node the edge ends at.</summary>
    public required string Target { get; init; }
    /// <summary>One of <see cref="TopologyEdgeKinds"/>.</summary>
    public required string Kind { get; init; }
}

/// <summary>The values of <see cref="TopologyNode.Kind"/>.</summary>
public static class TopologyNodeKinds
{
    /// <summary>The host's initial network namespace.</summary>
    public const string Host = "host";
    /// <summary>Any other network namespace.</summary>
    public const string Netns = "netns";
    /// <summary>A running container.</summary>
    public const string Container = "container";
    /// <summary>A network interface that is not a bridge.</summary>
    public const string Interface = "interface";
    /// <summary>A Linux bridge interface.</summary>
    public const string Bridge = "bridge";
    /// <summary>A Docker network.</summary>
    public const string Network = "network";
}

/// <summary>The values of <see cref="TopologyEdge.Kind"/>.</summary>
public static class TopologyEdgeKinds
{
    /// <summary>The two ends of a veth pair, usually in different namespaces.</summary>
    public const string Veth = "veth";
    /// <summary>From an interface to the bridge it is a port of.</summary>
    public const string BridgePort = "bridge-port";
    /// <summary>From a container or interface to its namespace, or from a bridge to the Docker network it implements.</summary>
    public const string MemberOf = "member-of";
    /// <summary>From a container to a Docker network it is attached to.</summary>
    public const string InNetwork = "in-network";
}

/// <summary>Which running containers can reach which: <c>GET /api/topology/reachability</c>.</summary>
public sealed record ReachabilityReport
{
    /// <summary>Always true: the answer is worked out, not measured.</summary>
    public bool Derived { get; init; } = true;
    /// <summary>Says how the answer was made.</summary>
    public string Note { get; init; } = "derived from the topology and the engine's configuration; no packet was sent";
    /// <summary>One entry per unordered pair of running containers, by name.</summary>
    public required IReadOnlyList<ReachabilityPair> Pairs { get; init; }
}

/// <summary>Whether two containers can reach each other, and why.</summary>
public sealed record ReachabilityPair
{
    /// <summary>The container whose name sorts first.</summary>
    public required ContainerRef A { get; init; }
    /// <summary>The other container.</summary>
    public required ContainerRef B { get; init; }
    /// <summary>True when the configuration lets them talk to each other.</summary>
    public required bool Reachable { get; init; }
    /// <summary>Why, in words, e.g. <c>same Docker network mynetwork</c>.</summary>
    public required string Reason { get; init; }
    /// <summary>The names of the Docker networks both are attached to.</summary>
    public required IReadOnlyList<string> Networks { get; init; }

    /// <summary>Equal when every value is, the networks name by name (a record alone would compare the lists' references).</summary>
    public bool Equals(ReachabilityPair? other) =>
        other is not null && A == other.A && B == other.B && Reachable == other.Reachable && Reason == other.Reason
        && Networks.SequenceEqual(other.Networks);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(A, B, Reachable, Reason);
}
