using Dashboard.Client.Live;
using Dashboard.Client.Model;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Client.Services;

/// <summary>
/// <see cref="IDashboardData"/> over one snapshot: the pages show the host as it was. Everything comes from the
/// <see cref="SnapshotDetail"/> in memory and never changes. A snapshot records no processes, no id maps and no
/// status, so a namespace has no process list and no maps here, no process is found, and the status is refused.
/// </summary>
public sealed class SnapshotDashboardData : IDashboardData
{
    private readonly SnapshotState _state;
    private readonly ILookup<NamespaceKey, NamespaceRef> _children;

    public SnapshotDashboardData(SnapshotDetail detail)
    {
        Snapshot = detail.Snapshot;
        Links = DashboardLinks.Snapshot(detail.Snapshot.Id);
        _state = detail.State;
        _children = NamespaceChildren.Of(detail.State.Namespaces, n => new NamespaceKey(n.Type, n.Inode), n => n.OwnerInode, n => n.ParentInode);
    }

    /// <summary>Never raised: the past does not change.</summary>
    public event Action<DashboardChange>? Changed
    {
        add { }
        remove { }
    }

    /// <summary>A snapshot has no connection to follow; nothing it shows will change.</summary>
    public LiveConnectionState Connection => LiveConnectionState.Disconnected;

    public SnapshotSummary Snapshot { get; }

    SnapshotSummary? IDashboardData.Snapshot => Snapshot;

    public DashboardLinks Links { get; }

    /// <summary>Throws <see cref="NotSupportedException"/>: the status (engine, scan) is the server's now, not part of a snapshot.</summary>
    public Task<StatusInfo> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromException<StatusInfo>(new NotSupportedException($"Snapshot {Snapshot.Id} does not record the status of the engine or the scan."));

    public Task<IReadOnlyList<ContainerInfo>> GetContainersAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_state.Containers);

    public Task<ContainerInfo?> GetContainerAsync(string idOrName, CancellationToken cancellationToken = default) =>
        Task.FromResult(Find(idOrName));

    public Task<IReadOnlyList<ContainerNamespaceRow>?> GetContainerNamespacesAsync(string idOrName, CancellationToken cancellationToken = default) =>
        Task.FromResult(Find(idOrName) is { } container ? NamespaceCatalog.ContainerRows(container) : null);

    public Task<IReadOnlyList<NamespaceSummary>> GetNamespacesAsync(NamespaceType? type = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(type is { } t ? _state.Namespaces.Where(n => n.Type == t).ToList() : _state.Namespaces);

    /// <summary>The namespace as listed then, with its children; no processes and no id maps (not recorded).</summary>
    public Task<NamespaceDetail?> GetNamespaceAsync(NamespaceType type, ulong inode, CancellationToken cancellationToken = default)
    {
        var summary = _state.Namespaces.FirstOrDefault(n => n.Type == type && n.Inode == inode);
        return Task.FromResult(summary is null ? null : new NamespaceDetail(summary, processes: [], children: _children[new NamespaceKey(type, inode)].ToList()));
    }

    /// <summary>Always null: processes are not recorded in snapshots.</summary>
    public Task<ProcessInfo?> GetProcessAsync(int pid, CancellationToken cancellationToken = default) =>
        Task.FromResult<ProcessInfo?>(null);

    public Task<TopologyGraph> GetTopologyAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_state.Topology);

    public Task<ReachabilityReport> GetReachabilityAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_state.Reachability);

    private ContainerInfo? Find(string idOrName) => DockerLookup.FindContainer(_state.Containers, idOrName).Container;
}
