namespace Dashboard.ComponentTests.Fakes;

/// <summary>An in-memory <see cref="IDashboardData"/> over <see cref="SampleData"/>, able to fail or to hold its answers back.</summary>
public sealed class FakeDashboardData : IDashboardData
{
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
        Answer<IReadOnlyList<ContainerInfo>>(() => Containers);

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

    private async Task<T> Answer<T>(Func<T> answer)
    {
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        return Failure is { } failure ? throw failure : answer();
    }
}
