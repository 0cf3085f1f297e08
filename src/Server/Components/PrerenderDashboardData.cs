using Dashboard.Client.Live;
using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Server.Components;

/// <summary>
/// <see cref="IDashboardData"/> while the server prerenders a page: the answers come from the live state the REST API
/// serves (the same records, no scan), and each is recorded in <see cref="PrerenderedAnswers"/> so that the browser's
/// first render shows the same. A prerendered page is not connected to anything: it never raises
/// <see cref="Changed"/>, and its connection is <see cref="LiveConnectionState.Connecting"/> until the app takes over.
/// </summary>
internal sealed class PrerenderDashboardData : IDashboardData, IDisposable
{
    private readonly IHostStateProvider _provider;
    private readonly PrerenderedAnswers _answers;
    private readonly PersistingComponentStateSubscription _persisting;
    private HostState? _state;

    public PrerenderDashboardData(IHostStateProvider provider, PrerenderedAnswers answers, PersistentComponentState persistent)
    {
        _provider = provider;
        _answers = answers;
        _persisting = answers.PersistInto(persistent);
    }

    public event Action<DashboardChange>? Changed
    {
        add { }
        remove { }
    }

    public LiveConnectionState Connection => LiveConnectionState.Connecting;

    public SnapshotSummary? Snapshot => null;

    public DashboardLinks Links => DashboardLinks.Live;

    public async Task<StatusInfo> GetStatusAsync(CancellationToken cancellationToken = default) =>
        _answers.Record(PrerenderedAnswers.Keys.Status, (await StateAsync(cancellationToken)).Status);

    public async Task<IReadOnlyList<ContainerInfo>> GetContainersAsync(CancellationToken cancellationToken = default) =>
        _answers.Record(PrerenderedAnswers.Keys.Containers, (await StateAsync(cancellationToken)).Containers);

    public async Task<ContainerInfo?> GetContainerAsync(string idOrName, CancellationToken cancellationToken = default) =>
        _answers.Record(PrerenderedAnswers.Keys.Container(idOrName), StateAnswers.Container(await StateAsync(cancellationToken), idOrName));

    public async Task<IReadOnlyList<ContainerNamespaceRow>?> GetContainerNamespacesAsync(string idOrName, CancellationToken cancellationToken = default) =>
        _answers.Record(
            PrerenderedAnswers.Keys.ContainerNamespaces(idOrName), StateAnswers.ContainerNamespaces(await StateAsync(cancellationToken), idOrName));

    public async Task<IReadOnlyList<NamespaceSummary>> GetNamespacesAsync(NamespaceType? type = null, CancellationToken cancellationToken = default) =>
        _answers.Record(PrerenderedAnswers.Keys.Namespaces(type), StateAnswers.Namespaces(await StateAsync(cancellationToken), type));

    public async Task<NamespaceDetail?> GetNamespaceAsync(NamespaceType type, ulong inode, CancellationToken cancellationToken = default) =>
        _answers.Record(PrerenderedAnswers.Keys.Namespace(type, inode), StateAnswers.Namespace(await StateAsync(cancellationToken), type, inode));

    public async Task<ProcessInfo?> GetProcessAsync(int pid, CancellationToken cancellationToken = default) =>
        _answers.Record(PrerenderedAnswers.Keys.Process(pid), StateAnswers.Process(await StateAsync(cancellationToken), pid));

    public async Task<TopologyGraph> GetTopologyAsync(CancellationToken cancellationToken = default) =>
        _answers.Record(PrerenderedAnswers.Keys.Topology, (await StateAsync(cancellationToken)).Topology);

    public async Task<ReachabilityReport> GetReachabilityAsync(CancellationToken cancellationToken = default) =>
        _answers.Record(PrerenderedAnswers.Keys.Reachability, (await StateAsync(cancellationToken)).Reachability);

    /// <summary>One state for the whole page, as the REST API would serve it now: every part of the page agrees.</summary>
    private async Task<HostState> StateAsync(CancellationToken cancellationToken) =>
        _state ??= (await _provider.GetCurrentAsync(cancellationToken)).State;

    public void Dispose() => _persisting.Dispose();
}
