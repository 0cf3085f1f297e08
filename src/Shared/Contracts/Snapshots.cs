using Dashboard.Shared.Model;
using System.Text.Json.Serialization;
using Dashboard.Shared.Live;

namespace Dashboard.Shared.Contracts;

/// <summary>Why a snapshot was taken.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SnapshotReason>))]
public enum SnapshotReason
{
    /// <summary>The periodic timer (<c>Dashboard:SnapshotInterval</c>).</summary>
    [JsonStringEnumMemberName("timer")] Timer,
    /// <summary>Containers, namespaces or the topology changed (debounced by <c>Dashboard:SnapshotDebounce</c>).</summary>
    [JsonStringEnumMemberName("change")] Change,
    /// <summary>Asked for through <c>POST /api/snapshots</c> (or the History page).</summary>
    [JsonStringEnumMemberName("manual")] Manual,
    /// <summary>The first snapshot after the server started.</summary>
    [JsonStringEnumMemberName("startup")] Startup,
}

/// <summary>One snapshot as listed by <c>GET /api/snapshots</c>.</summary>
public sealed record SnapshotSummary
{
    /// <summary>The snapshot's id; ids only grow, and a deleted id is never given again.</summary>
    public required long Id { get; init; }
    /// <summary>When the state it holds was current.</summary>
    public required DateTimeOffset TakenAt { get; init; }
    /// <summary>Why it was taken.</summary>
    public required SnapshotReason Reason { get; init; }
    /// <summary>The live epoch (server start) the state belongs to.</summary>
    public required string Epoch { get; init; }
    /// <summary>The live version (within <see cref="Epoch"/>) the state is at.</summary>
    public required long Version { get; init; }
    /// <summary>Containers in the snapshot, running or not.</summary>
    public required int ContainerCount { get; init; }
    /// <summary>Namespaces of all eight types in the snapshot.</summary>
    public required int NamespaceCount { get; init; }
}

/// <summary>Answer of <c>GET /api/snapshots</c>: one page of snapshots, newest first, and how many match in all.</summary>
public sealed record SnapshotPage
{
    /// <summary>The snapshots of this page, newest first.</summary>
    public required IReadOnlyList<SnapshotSummary> Items { get; init; }
    /// <summary>How many snapshots match the range, over all pages.</summary>
    public required int Total { get; init; }
}

/// <summary>
/// The host's isolation at one moment: what the live pages show, without what changes from second to second
/// (processes, scan timings). Each list is in the order the live API gives it.
/// </summary>
public sealed record SnapshotState : IStateParts
{
    /// <summary>As <c>GET /api/containers</c> was.</summary>
    public required IReadOnlyList<ContainerInfo> Containers { get; init; }
    /// <summary>As <c>GET /api/namespaces</c> was.</summary>
    public required IReadOnlyList<NamespaceSummary> Namespaces { get; init; }
    /// <summary>As <c>GET /api/networks</c> was.</summary>
    public required IReadOnlyList<DockerNetworkInfo> Networks { get; init; }
    /// <summary>As <c>GET /api/netns</c> was.</summary>
    public required IReadOnlyList<NetnsInfo> NetworkNamespaces { get; init; }
    /// <summary>As <c>GET /api/topology</c> was.</summary>
    public required TopologyGraph Topology { get; init; }
    /// <summary>
    /// As <c>GET /api/topology/reachability</c> was. Not stored: worked out from <see cref="Containers"/>,
    /// <see cref="Networks"/> and <see cref="NetworkNamespaces"/> when first read, unless given.
    /// </summary>
    public ReachabilityReport Reachability
    {
        get => _reachability ??= ReachabilityBuilder.Build(Containers, Networks, NetworkNamespaces);
        init => _reachability = value;
    }

    private ReachabilityReport? _reachability;
}

/// <summary>Answer of <c>GET /api/snapshots/{id}</c>: a snapshot and the state it holds.</summary>
public sealed record SnapshotDetail
{
    /// <summary>Which snapshot this is.</summary>
    public required SnapshotSummary Snapshot { get; init; }
    /// <summary>The state as it was.</summary>
    public required SnapshotState State { get; init; }
}

/// <summary>Answer of <c>POST /api/snapshots</c>.</summary>
public sealed record SnapshotCreated
{
    /// <summary>The new snapshot.</summary>
    public required SnapshotSummary Snapshot { get; init; }
}

/// <summary>
/// Answer of <c>GET /api/snapshots/{id}/diff/{otherId}</c>: what changed from snapshot <see cref="From"/> to
/// snapshot <see cref="To"/> (either may be the older one; "added" means present in <see cref="To"/> only).
/// </summary>
public sealed record SnapshotDiff
{
    /// <summary>The snapshot compared from.</summary>
    public required SnapshotSummary From { get; init; }
    /// <summary>The snapshot compared to.</summary>
    public required SnapshotSummary To { get; init; }
    /// <summary>Containers in <see cref="To"/> only.</summary>
    public required IReadOnlyList<ContainerRef> ContainersAdded { get; init; }
    /// <summary>Containers in <see cref="From"/> only.</summary>
    public required IReadOnlyList<ContainerRef> ContainersRemoved { get; init; }
    /// <summary>Containers in both whose state, configuration, networks or namespaces differ.</summary>
    public required IReadOnlyList<ContainerChange> ContainersChanged { get; init; }
    /// <summary>Namespaces in <see cref="To"/> only.</summary>
    public required IReadOnlyList<NamespaceKeyInfo> NamespacesAdded { get; init; }
    /// <summary>Namespaces in <see cref="From"/> only.</summary>
    public required IReadOnlyList<NamespaceKeyInfo> NamespacesRemoved { get; init; }
    /// <summary>Interfaces in <see cref="To"/> only (by network namespace and name).</summary>
    public required IReadOnlyList<InterfaceRef> InterfacesAdded { get; init; }
    /// <summary>Interfaces in <see cref="From"/> only.</summary>
    public required IReadOnlyList<InterfaceRef> InterfacesRemoved { get; init; }
    /// <summary>Addresses in <see cref="To"/> only.</summary>
    public required IReadOnlyList<AddressRef> AddressesAdded { get; init; }
    /// <summary>Addresses in <see cref="From"/> only.</summary>
    public required IReadOnlyList<AddressRef> AddressesRemoved { get; init; }
    /// <summary>True when nothing above differs.</summary>
    public bool IsEmpty =>
        ContainersAdded.Count == 0 && ContainersRemoved.Count == 0 && ContainersChanged.Count == 0 &&
        NamespacesAdded.Count == 0 && NamespacesRemoved.Count == 0 && InterfacesAdded.Count == 0 &&
        InterfacesRemoved.Count == 0 && AddressesAdded.Count == 0 && AddressesRemoved.Count == 0;
}

/// <summary>A container present in both snapshots of a diff, and what differs.</summary>
public sealed record ContainerChange
{
    /// <summary>The container (its name as in the newer snapshot of the two compared).</summary>
    public required ContainerRef Container { get; init; }
    /// <summary>Top-level fields that differ, by their JSON names, e.g. <c>state</c>, <c>pid</c>, <c>networks</c>.</summary>
    public required IReadOnlyList<string> Fields { get; init; }
    /// <summary>Namespace types whose inode, sharing, or the containers it is shared with differ.</summary>
    public required IReadOnlyList<SharingChange> Sharing { get; init; }
}

/// <summary>How one of a container's namespaces differs between two snapshots; null sides mean "not running".</summary>
public sealed record SharingChange
{
    /// <summary>The namespace type.</summary>
    public required NamespaceType Type { get; init; }
    /// <summary>The inode before; null when the container was not running.</summary>
    public ulong? InodeBefore { get; init; }
    /// <summary>The inode after; null when the container is not running.</summary>
    public ulong? InodeAfter { get; init; }
    /// <summary>The sharing before.</summary>
    public Sharing? Before { get; init; }
    /// <summary>The sharing after.</summary>
    public Sharing? After { get; init; }
    /// <summary>Containers it was shared with before, by name.</summary>
    public IReadOnlyList<string> SharedWithBefore { get; init; } = [];
    /// <summary>Containers it is shared with after, by name.</summary>
    public IReadOnlyList<string> SharedWithAfter { get; init; } = [];
}

/// <summary>A namespace by type and inode, with what the snapshot said it was kept by.</summary>
public sealed record NamespaceKeyInfo
{
    /// <summary>The namespace type.</summary>
    public required NamespaceType Type { get; init; }
    /// <summary>The nsfs inode.</summary>
    public required ulong Inode { get; init; }
    /// <summary>Containers in it, by name, in the snapshot that has it.</summary>
    public required IReadOnlyList<string> Containers { get; init; }
}

/// <summary>An interface in a network namespace.</summary>
public sealed record InterfaceRef
{
    /// <summary>The network namespace's inode.</summary>
    public required ulong NetnsInode { get; init; }
    /// <summary>The interface name, e.g. <c>eth0</c>.</summary>
    public required string Name { get; init; }
    /// <summary>Its kind.</summary>
    public required NetInterfaceKind Kind { get; init; }
    /// <summary>Containers in that namespace, by name.</summary>
    public required IReadOnlyList<string> Containers { get; init; }
}

/// <summary>An address on an interface.</summary>
public sealed record AddressRef
{
    /// <summary>The network namespace's inode.</summary>
    public required ulong NetnsInode { get; init; }
    /// <summary>The interface name.</summary>
    public required string Interface { get; init; }
    /// <summary>The address with its prefix length, e.g. <c>172.18.0.2/16</c>.</summary>
    public required string Address { get; init; }
    /// <summary>Containers in that namespace, by name.</summary>
    public required IReadOnlyList<string> Containers { get; init; }
}

/// <summary>The snapshot store as <c>GET /api/status</c> reports it.</summary>
public sealed record StorageStatus
{
    /// <summary>Whether snapshots can be written and read.</summary>
    public required StorageState State { get; init; }
    /// <summary>The SQLite file.</summary>
    public required string Path { get; init; }
    /// <summary>What went wrong, when <see cref="State"/> is not ok: a sentence for people.</summary>
    public string? Error { get; init; }
    /// <summary>Snapshots stored.</summary>
    public int SnapshotCount { get; init; }
    /// <summary>When the newest snapshot was taken.</summary>
    public DateTimeOffset? LastSnapshotAt { get; init; }
    /// <summary>The file's size in bytes (with its write-ahead log), when known.</summary>
    public long? FileBytes { get; init; }
    /// <summary>The schema version of the file.</summary>
    public int? SchemaVersion { get; init; }
}

/// <summary>How the snapshot store stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StorageState>))]
public enum StorageState
{
    /// <summary>Not opened yet.</summary>
    [JsonStringEnumMemberName("starting")] Starting,
    /// <summary>Snapshots are written and read.</summary>
    [JsonStringEnumMemberName("ok")] Ok,
    /// <summary>The last write failed (read-only or full disk, locked file); reads may still work; retried.</summary>
    [JsonStringEnumMemberName("failing")] Failing,
    /// <summary>The file cannot be used at all (unopenable, corrupt, or a newer schema than this version knows).</summary>
    [JsonStringEnumMemberName("unavailable")] Unavailable,
}
