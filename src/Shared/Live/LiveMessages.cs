using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Shared.Live;

/// <summary>
/// One item of the <see cref="DashboardHubContract.Subscribe"/> stream. Every change to the host's state gets the next
/// version number within an epoch that is new each time the server starts. A client applies a
/// <see cref="Changes"/> item only when its <see cref="FromVersion"/> is one past the version it holds and its
/// <see cref="Epoch"/> is the one it holds; otherwise it has missed something and subscribes again.
/// </summary>
public sealed record LiveMessage
{
    /// <summary>New each time the server starts; versions of different epochs are unrelated.</summary>
    public required string Epoch { get; init; }
    /// <summary>The first version this item covers; for a snapshot, the version it shows (equal to <see cref="ToVersion"/>).</summary>
    public required long FromVersion { get; init; }
    /// <summary>The version the client holds once it has applied this item.</summary>
    public required long ToVersion { get; init; }
    /// <summary>The whole state at <see cref="ToVersion"/>: set in the first item of a subscription only.</summary>
    public LiveSnapshot? Snapshot { get; init; }
    /// <summary>The changes from <see cref="FromVersion"/> to <see cref="ToVersion"/>: set in every later item.</summary>
    public LiveChanges? Changes { get; init; }
    /// <summary>When the server published this item.</summary>
    public required DateTimeOffset PublishedAt { get; init; }
}

/// <summary>The whole state of the host as the live hub holds it.</summary>
public sealed record LiveSnapshot : IStateParts
{
    /// <summary>As <c>GET /api/status</c>.</summary>
    public required StatusInfo Status { get; init; }
    /// <summary>As <c>GET /api/containers</c>.</summary>
    public required IReadOnlyList<ContainerInfo> Containers { get; init; }
    /// <summary>As <c>GET /api/namespaces</c>.</summary>
    public required IReadOnlyList<NamespaceSummary> Namespaces { get; init; }
    /// <summary>As <c>GET /api/networks</c>.</summary>
    public required IReadOnlyList<DockerNetworkInfo> Networks { get; init; }
    /// <summary>As <c>GET /api/netns</c>.</summary>
    public required IReadOnlyList<NetnsInfo> NetworkNamespaces { get; init; }
    /// <summary>As <c>GET /api/topology</c>.</summary>
    public required TopologyGraph Topology { get; init; }
    // Not the reachability report: it has an entry per pair of running containers (the square of the host's size, to
    // fingerprint and to send), and follows from the containers, networks and network namespaces above
    // (ReachabilityBuilder), so a client works it out when it needs it.
}

/// <summary>
/// What changed between two versions: things added or changed are given whole ("upserted"), things gone by their key.
/// A thing appears at most once per item. Lists are empty, never null, when nothing of that kind changed.
/// </summary>
public sealed record LiveChanges
{
    /// <summary>The new status, when any of it changed (counts, engine state).</summary>
    public StatusInfo? Status { get; init; }
    /// <summary>Containers added or changed.</summary>
    public IReadOnlyList<ContainerInfo> ContainersUpserted { get; init; } = [];
    /// <summary>Full ids of containers gone.</summary>
    public IReadOnlyList<string> ContainersRemoved { get; init; } = [];
    /// <summary>Namespaces added or changed.</summary>
    public IReadOnlyList<NamespaceSummary> NamespacesUpserted { get; init; } = [];
    /// <summary>Namespaces gone, by type and inode.</summary>
    public IReadOnlyList<NamespaceKeyRef> NamespacesRemoved { get; init; } = [];
    /// <summary>Docker networks added or changed.</summary>
    public IReadOnlyList<DockerNetworkInfo> NetworksUpserted { get; init; } = [];
    /// <summary>Full ids of Docker networks gone.</summary>
    public IReadOnlyList<string> NetworksRemoved { get; init; } = [];
    /// <summary>Network namespaces added or changed.</summary>
    public IReadOnlyList<NetnsInfo> NetworkNamespacesUpserted { get; init; } = [];
    /// <summary>Inodes of network namespaces gone.</summary>
    public IReadOnlyList<ulong> NetworkNamespacesRemoved { get; init; } = [];
    /// <summary>Topology nodes added or changed.</summary>
    public IReadOnlyList<TopologyNode> TopologyNodesUpserted { get; init; } = [];
    /// <summary>Ids of topology nodes gone.</summary>
    public IReadOnlyList<string> TopologyNodesRemoved { get; init; } = [];
    /// <summary>Topology edges added or changed.</summary>
    public IReadOnlyList<TopologyEdge> TopologyEdgesUpserted { get; init; } = [];
    /// <summary>Ids of topology edges gone.</summary>
    public IReadOnlyList<string> TopologyEdgesRemoved { get; init; } = [];
}

/// <summary>
/// A namespace by type and inode, as <see cref="LiveChanges.NamespacesRemoved"/> sends it; both sides hold namespaces
/// by <see cref="NamespaceKey"/>. A record of its own so that the wire names both members and requires them.
/// </summary>
public sealed record NamespaceKeyRef
{
    /// <summary>The namespace type.</summary>
    public required NamespaceType Type { get; init; }
    /// <summary>The nsfs inode.</summary>
    public required ulong Inode { get; init; }

    /// <summary>The wire form of <paramref name="key"/>.</summary>
    public static NamespaceKeyRef From(NamespaceKey key) => new() { Type = key.Type, Inode = key.Inode };

    /// <summary>The key both sides hold the namespace by.</summary>
    public NamespaceKey ToKey() => new(Type, Inode);
}
