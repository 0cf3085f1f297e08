using Dashboard.Client.Live;
using Dashboard.Client.Model;
using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Services;

/// <summary>
/// <see cref="IDashboardData"/> over one snapshot: the pages show the host as it was. Everything comes from the
/// <see cref="SnapshotDetail"/> in memory and never changes. A snapshot records no processes, no id maps and no
/// status, so a namespace has no process list and no maps here, no process is found, and the status is refused.
/// </summary>
public sealed class SnapshotDashboardData : IDashboardData
{
    private readonly SnapshotState _state;
    private readonly ILookup<(NamespaceType Type, ulong Inode), NamespaceRef> _children;

    public SnapshotDashboardData(SnapshotDetail detail)
    {
        Snapshot = detail.Snapshot;
        Links = DashboardLinks.Snapshot(detail.Snapshot.Id);
        _state = detail.State;
        _children = Children(detail.State.Namespaces);
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
        return Task.FromResult(summary is null ? null : new NamespaceDetail
        {
            Type = summary.Type,
            Inode = summary.Inode,
            ProcessCount = summary.ProcessCount,
            LowestPid = summary.LowestPid,
            Command = summary.Command,
            IsInitial = summary.IsInitial,
            OwnerInode = summary.OwnerInode,
            ParentInode = summary.ParentInode,
            Containers = summary.Containers,
            BindMounts = summary.BindMounts,
            OpenDescriptors = summary.OpenDescriptors,
            Hidden = summary.Hidden,
            KeptAliveBy = summary.KeptAliveBy,
            Processes = [],
            Children = _children[(type, inode)].ToList(),
        });
    }

    /// <summary>Always null: processes are not recorded in snapshots.</summary>
    public Task<ProcessInfo?> GetProcessAsync(int pid, CancellationToken cancellationToken = default) =>
        Task.FromResult<ProcessInfo?>(null);

    public Task<TopologyGraph> GetTopologyAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_state.Topology);

    public Task<ReachabilityReport> GetReachabilityAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_state.Reachability);

    /// <summary>As the server finds a container (and as Docker does): full id, then name, then a unique id prefix.</summary>
    private ContainerInfo? Find(string idOrName)
    {
        if (string.IsNullOrEmpty(idOrName))
        {
            return null;
        }

        var bareName = idOrName.StartsWith('/') ? idOrName[1..] : idOrName;
        var containers = _state.Containers;
        if ((containers.FirstOrDefault(c => c.Id == idOrName) ?? containers.FirstOrDefault(c => c.Name == bareName)) is { } exact)
        {
            return exact;
        }

        var byPrefix = containers.Where(c => c.Id.StartsWith(idOrName, StringComparison.Ordinal)).Take(2).ToList();
        return byPrefix.Count == 1 ? byPrefix[0] : null;
    }

    // As the server derives them from the scan: a user namespace owns those that name it as owner; a PID or user
    // namespace is the parent of those that name it as parent.
    private static ILookup<(NamespaceType, ulong), NamespaceRef> Children(IReadOnlyList<NamespaceSummary> namespaces)
    {
        var children = new List<((NamespaceType, ulong) Of, NamespaceRef Child)>();
        foreach (var ns in namespaces.OrderBy(n => n.Type).ThenBy(n => n.Inode))
        {
            if (ns.OwnerInode is { } owner)
            {
                children.Add(((NamespaceType.User, owner), new NamespaceRef { Type = ns.Type, Inode = ns.Inode, Relation = "owned" }));
            }

            if (ns.ParentInode is { } parent)
            {
                children.Add(((ns.Type, parent), new NamespaceRef { Type = ns.Type, Inode = ns.Inode, Relation = "child" }));
            }
        }

        return children.ToLookup(c => c.Of, c => c.Child);
    }
}
