using Dashboard.Client.Live;

namespace Dashboard.ComponentTests.Fakes;

/// <summary>
/// An in-memory <see cref="IDashboardData"/> over <see cref="SampleData"/>, able to fail or to hold its answers back,
/// and to report changes as the live hub would.
/// </summary>
public sealed class FakeDashboardData : IDashboardData
{
    public event Action<DashboardChange>? Changed;

    public LiveConnectionState Connection { get; private set; } = LiveConnectionState.Live;

    public SnapshotSummary? Snapshot => null;

    public DashboardLinks Links => DashboardLinks.Live;

    /// <summary>How many handlers listen to <see cref="Changed"/>: pages must stop listening when they go away.</summary>
    public int ChangeListeners => Changed?.GetInvocationList().Length ?? 0;

    /// <summary>Counts the calls per method name, to see what a page loaded again.</summary>
    public Dictionary<string, int> Calls { get; } = [];

    /// <summary>Reports a change, as <see cref="LiveDashboardData"/> does after the store applied one.</summary>
    public void Notify(DashboardChange change) => Changed?.Invoke(change);

    /// <summary>Reports that these containers were added, changed or removed (the caller changes <see cref="Containers"/> first).</summary>
    public void NotifyContainers(params string[] ids) =>
        Notify(new DashboardChange { Kinds = DashboardChangeKinds.Containers, ContainerIds = ids.ToHashSet() });

    public void SetConnection(LiveConnectionState state)
    {
        Connection = state;
        Notify(DashboardChange.ConnectionOnly);
    }

    public List<ContainerInfo> Containers { get; } = [.. SampleData.Containers];
    public List<NamespaceDetail> Namespaces { get; } = [.. SampleData.Namespaces];
    public StatusInfo Status { get; set; } = SampleData.Status;
    public TopologyGraph Topology { get; set; } = SampleTopology.Graph;
    public ReachabilityReport Reachability { get; set; } = SampleTopology.Reachability;

    /// <summary>When set, every call throws it, as <see cref="ApiDashboardData"/> does when the server fails.</summary>
    public Exception? Failure { get; set; }

    /// <summary>When set, every call waits for it, so a test can see the loading state.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public Task<StatusInfo> GetStatusAsync(CancellationToken cancellationToken = default) => Answer(() => Status);

    public Task<IReadOnlyList<ContainerInfo>> GetContainersAsync(CancellationToken cancellationToken = default) =>
        Answer<IReadOnlyList<ContainerInfo>>(() => Containers.ToList());

    public Task<ContainerInfo?> GetContainerAsync(string idOrName, CancellationToken cancellationToken = default) =>
        Answer(() => Find(idOrName));

    public Task<IReadOnlyList<ContainerNamespaceRow>?> GetContainerNamespacesAsync(string idOrName, CancellationToken cancellationToken = default) =>
        Answer(() => Find(idOrName) is { } c ? SampleData.NamespaceRows(c) : null);

    public Task<IReadOnlyList<NamespaceSummary>> GetNamespacesAsync(NamespaceType? type = null, CancellationToken cancellationToken = default) =>
        Answer<IReadOnlyList<NamespaceSummary>>(() => Namespaces.Where(n => type is null || n.Type == type).ToList<NamespaceSummary>());

    public Task<NamespaceDetail?> GetNamespaceAsync(NamespaceType type, ulong inode, CancellationToken cancellationToken = default) =>
        Answer(() => Namespaces.FirstOrDefault(n => n.Type == type && n.Inode == inode));

    public Task<ProcessInfo?> GetProcessAsync(int pid, CancellationToken cancellationToken = default) =>
        Answer<ProcessInfo?>(() => null);

    public Task<TopologyGraph> GetTopologyAsync(CancellationToken cancellationToken = default) => Answer(() => Topology);

    public Task<ReachabilityReport> GetReachabilityAsync(CancellationToken cancellationToken = default) => Answer(() => Reachability);

    private ContainerInfo? Find(string idOrName) =>
        Containers.FirstOrDefault(c => c.Name == idOrName || c.Id.StartsWith(idOrName, StringComparison.Ordinal));

    private async Task<T> Answer<T>(Func<T> answer, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        Calls[method] = Calls.GetValueOrDefault(method) + 1;
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        return Failure is { } failure ? throw failure : answer();
    }
}
