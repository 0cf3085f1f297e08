using Dashboard.Client.Live;
using Dashboard.Client.Model;
using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Services;

/// <summary>
/// <see cref="IDashboardData"/> for the browser: the lists, the graph and the status come from the live hub's store
/// once it holds a snapshot (from the REST API until then); one container, namespace or process comes from the REST
/// API, which has the details the hub does not carry. Before either answers, what the server prerendered into the page
/// (<see cref="PrerenderedAnswers"/>) answers each question once, so that the app's first render shows what the page
/// already showed.
/// </summary>
public sealed class LiveDashboardData : IDashboardData
{
    private readonly ApiDashboardData _api;
    private readonly LiveDashboard _live;
    private readonly PrerenderedAnswers _prerendered;

    public LiveDashboardData(ApiDashboardData api, LiveDashboard live, PrerenderedAnswers prerendered)
    {
        _api = api;
        _live = live;
        _prerendered = prerendered;
        live.Start();
    }

    public event Action<DashboardChange>? Changed
    {
        add => _live.Changed += value;
        remove => _live.Changed -= value;
    }

    public LiveConnectionState Connection => _live.State;

    public SnapshotSummary? Snapshot => null;

    public DashboardLinks Links => DashboardLinks.Live;

    private LiveStore? Store => _live.Store.HasSnapshot ? _live.Store : null;

    public Task<StatusInfo> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Store?.Status is { } status ? Task.FromResult(status)
        : Prerendered<StatusInfo>(PrerenderedAnswers.Keys.Status) ?? _api.GetStatusAsync(cancellationToken);

    public Task<IReadOnlyList<ContainerInfo>> GetContainersAsync(CancellationToken cancellationToken = default) =>
        Store is { } store ? Task.FromResult(store.Containers())
        : Prerendered<IReadOnlyList<ContainerInfo>>(PrerenderedAnswers.Keys.Containers) ?? _api.GetContainersAsync(cancellationToken);

    public Task<ContainerInfo?> GetContainerAsync(string idOrName, CancellationToken cancellationToken = default) =>
        Prerendered<ContainerInfo?>(PrerenderedAnswers.Keys.Container(idOrName)) ?? _api.GetContainerAsync(idOrName, cancellationToken);

    public Task<IReadOnlyList<ContainerNamespaceRow>?> GetContainerNamespacesAsync(string idOrName, CancellationToken cancellationToken = default) =>
        Prerendered<IReadOnlyList<ContainerNamespaceRow>?>(PrerenderedAnswers.Keys.ContainerNamespaces(idOrName))
        ?? _api.GetContainerNamespacesAsync(idOrName, cancellationToken);

    public Task<IReadOnlyList<NamespaceSummary>> GetNamespacesAsync(NamespaceType? type = null, CancellationToken cancellationToken = default) =>
        Store is { } store ? Task.FromResult(store.Namespaces(type))
        : Prerendered<IReadOnlyList<NamespaceSummary>>(PrerenderedAnswers.Keys.Namespaces(type)) ?? _api.GetNamespacesAsync(type, cancellationToken);

    public Task<NamespaceDetail?> GetNamespaceAsync(NamespaceType type, ulong inode, CancellationToken cancellationToken = default) =>
        Prerendered<NamespaceDetail?>(PrerenderedAnswers.Keys.Namespace(type, inode)) ?? _api.GetNamespaceAsync(type, inode, cancellationToken);

    public Task<ProcessInfo?> GetProcessAsync(int pid, CancellationToken cancellationToken = default) =>
        Prerendered<ProcessInfo?>(PrerenderedAnswers.Keys.Process(pid)) ?? _api.GetProcessAsync(pid, cancellationToken);

    public Task<TopologyGraph> GetTopologyAsync(CancellationToken cancellationToken = default) =>
        Store is { } store ? Task.FromResult(store.Topology())
        : Prerendered<TopologyGraph>(PrerenderedAnswers.Keys.Topology) ?? _api.GetTopologyAsync(cancellationToken);

    public Task<ReachabilityReport> GetReachabilityAsync(CancellationToken cancellationToken = default) =>
        Store?.Reachability is { } reachability ? Task.FromResult(reachability)
        : Prerendered<ReachabilityReport>(PrerenderedAnswers.Keys.Reachability) ?? _api.GetReachabilityAsync(cancellationToken);

    private Task<T>? Prerendered<T>(string key) => _prerendered.TryTake<T>(key, out var answer) ? Task.FromResult(answer) : null;
}
