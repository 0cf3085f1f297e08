using Dashboard.Client.Live;
using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Shared.Contracts;

namespace Dashboard.Server.Components;

/// <summary>
/// <see cref="IDashboardData"/> for pages that are interactive on the server (the Server and Auto render modes): the
/// live stream straight from <see cref="LivePublisher"/>, in process, applied to a <see cref="LiveStore"/> as the
/// browser applies the hub's; the lists come from that store, one container, namespace or process from the live state
/// the REST API serves. Nothing crosses the network but the page's own render batches.
/// </summary>
internal sealed partial class CircuitDashboardData : IDashboardData, IAsyncDisposable
{
    private readonly LivePublisher _publisher;
    private readonly IHostStateProvider _provider;
    private readonly ILogger<CircuitDashboardData> _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly LiveStore _store = new();
    private readonly Task _running;

    public CircuitDashboardData(LivePublisher publisher, IHostStateProvider provider, ILogger<CircuitDashboardData> logger)
    {
        _publisher = publisher;
        _provider = provider;
        _logger = logger;
        _running = RunAsync(_stop.Token);
    }

    public event Action<DashboardChange>? Changed;

    public LiveConnectionState Connection { get; private set; } = LiveConnectionState.Connecting;

    public SnapshotSummary? Snapshot => null;

    public DashboardLinks Links => DashboardLinks.Live;

    private LiveStore? Store => _store.HasSnapshot ? _store : null;

    public async Task<StatusInfo> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Store?.Status ?? (await StateAsync(cancellationToken)).Status;

    public async Task<IReadOnlyList<ContainerInfo>> GetContainersAsync(CancellationToken cancellationToken = default) =>
        Store?.Containers() ?? (await StateAsync(cancellationToken)).Containers;

    public async Task<ContainerInfo?> GetContainerAsync(string idOrName, CancellationToken cancellationToken = default) =>
        StateAnswers.Container(await StateAsync(cancellationToken), idOrName);

    public async Task<IReadOnlyList<ContainerNamespaceRow>?> GetContainerNamespacesAsync(string idOrName, CancellationToken cancellationToken = default) =>
        StateAnswers.ContainerNamespaces(await StateAsync(cancellationToken), idOrName);

    public async Task<IReadOnlyList<NamespaceSummary>> GetNamespacesAsync(NamespaceType? type = null, CancellationToken cancellationToken = default) =>
        Store?.Namespaces(type) ?? StateAnswers.Namespaces(await StateAsync(cancellationToken), type);

    public async Task<NamespaceDetail?> GetNamespaceAsync(NamespaceType type, ulong inode, CancellationToken cancellationToken = default) =>
        StateAnswers.Namespace(await StateAsync(cancellationToken), type, inode);

    public async Task<ProcessInfo?> GetProcessAsync(int pid, CancellationToken cancellationToken = default) =>
        StateAnswers.Process(await StateAsync(cancellationToken), pid);

    public async Task<TopologyGraph> GetTopologyAsync(CancellationToken cancellationToken = default) =>
        Store?.Topology() ?? (await StateAsync(cancellationToken)).Topology;

    public async Task<ReachabilityReport> GetReachabilityAsync(CancellationToken cancellationToken = default) =>
        Store?.Reachability ?? (await StateAsync(cancellationToken)).Reachability;

    private async Task<Dashboard.Server.State.HostState> StateAsync(CancellationToken cancellationToken) =>
        (await _provider.GetCurrentAsync(cancellationToken)).State;

    /// <summary>Subscribes, applies every item, and subscribes again when the publisher dropped this page for falling behind.</summary>
    private async Task RunAsync(CancellationToken stop)
    {
        // The circuit's first render must not wait for the subscription.
        await Task.Yield();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var message in _publisher.SubscribeAsync(stop))
                {
                    var result = _store.Apply(message);
                    if (result.Change is not { } change)
                    {
                        LogResubscribing(result.ResubscribeReason);
                        break;
                    }

                    if (message.Snapshot is not null)
                    {
                        SetConnection(LiveConnectionState.Live);
                    }

                    Raise(change);
                }

                if (stop.IsCancellationRequested)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Dropped for falling behind (a page that renders slower than the host changes): start again from a snapshot.
                LogResubscribing(e.Message);
            }

            _store.Detach();
            SetConnection(LiveConnectionState.Reconnecting);
            try
            {
                await Task.Delay(LiveRetryDelays.After(1), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void SetConnection(LiveConnectionState state)
    {
        if (Connection == state)
        {
            return;
        }

        Connection = state;
        Raise(DashboardChange.ConnectionOnly);
    }

    private void Raise(DashboardChange change)
    {
        try
        {
            Changed?.Invoke(change);
        }
        catch (Exception e)
        {
            LogHandlerFailed(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A page's live stream starts again: {Reason}")]
    private partial void LogResubscribing(string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler of live changes failed")]
    private partial void LogHandlerFailed(Exception exception);
}
