using System.Diagnostics;
using System.Threading.Channels;
using Dashboard.Server.Collection.Docker;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;
using Dashboard.Server.Configuration;
using Dashboard.Server.State;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Live;

/// <summary>
/// Keeps the host's state current: refreshes at once when the engine reports an event or a request asks for a
/// fresh state, and at least every <see cref="DashboardOptions.ScanInterval"/> for what only /proc shows. One
/// refresh runs at a time; requests that arrive meanwhile share the next one. Every state built goes to the
/// <see cref="LivePublisher"/>. A refresh a request waits for reads everything afresh; the others reuse the
/// full pass (descriptors, status, cmdline) for up to <see cref="DashboardOptions.DescriptorScanInterval"/>.
/// </summary>
internal sealed partial class LiveStateService(
    DockerTracker docker,
    IProcSource proc,
    INetworkSource network,
    TopologyIdentity identity,
    LivePublisher publisher,
    IOptions<DashboardOptions> options,
    ILogger<LiveStateService> logger,
    ISnapshotStore? snapshots = null) : BackgroundService, IHostStateProvider
{
    private readonly Lock _lock = new();
    private readonly Channel<bool> _trigger = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource<HostState>? _waiting;

    public async Task<HostState> GetCurrentAsync(CancellationToken cancellationToken)
    {
        Task<HostState> next;
        lock (_lock)
        {
            _waiting ??= new TaskCompletionSource<HostState>(TaskCreationOptions.RunContinuationsAsynchronously);
            next = _waiting.Task;
        }

        RequestRefresh();
        // The refresh is shared, so one caller's cancellation must not cancel it for the others.
        return await next.WaitAsync(cancellationToken);
    }

    /// <summary>Asks for a refresh as soon as the current one (if any) is done.</summary>
    public void RequestRefresh() => _trigger.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        docker.Changed += RequestRefresh;
        var events = Task.Run(() => docker.RunAsync(stoppingToken), CancellationToken.None);
        var publishing = Task.Run(() => publisher.RunAsync(stoppingToken), CancellationToken.None);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RefreshOnceAsync(stoppingToken);
                await WaitForTriggerAsync(options.Value.ScanInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            docker.Changed -= RequestRefresh;
            lock (_lock)
            {
                _waiting?.TrySetCanceled(stoppingToken);
            }

            await Task.WhenAll(events, publishing);
        }
    }

    private async Task RefreshOnceAsync(CancellationToken stoppingToken)
    {
        TaskCompletionSource<HostState>? waiting;
        long startedAt;
        lock (_lock)
        {
            (waiting, _waiting) = (_waiting, null);
            startedAt = Stopwatch.GetTimestamp();
        }

        // Drop triggers that arrived before this refresh began: it covers them.
        _trigger.Reader.TryRead(out _);
        try
        {
            // A request asked for this state: it gets everything fresh, the descriptor pass included.
            var state = await CollectAsync(startedAt, forceFullPass: waiting is not null, stoppingToken);
            waiting?.TrySetResult(state);
            publisher.Offer(state);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogRefreshFailed(e);
            waiting?.TrySetException(e);
            await Task.Delay(options.Value.ScanInterval, stoppingToken);
        }
    }

    private async Task WaitForTriggerAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(interval);
        try
        {
            await _trigger.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The interval passed: time for the periodic rescan.
        }
    }

    private async Task<HostState> CollectAsync(long startedAt, bool forceFullPass, CancellationToken cancellationToken)
    {
        // The engine and /proc side by side: the Docker part mostly waits for the engine's answers.
        var scanStarted = Stopwatch.GetTimestamp();
        var scanning = Task.Run(() => proc.Scan(forceFullPass), cancellationToken);
        var dockerState = await docker.RefreshAsync(cancellationToken);
        var dockerDone = Stopwatch.GetTimestamp();
        var scan = await scanning;
        if (MissingInits(dockerState, scan))
        {
            // A container started while the scan ran: scan again (a rescan reads little) rather than show a running
            // container without its namespaces until the next refresh.
            scan = await Task.Run(() => proc.Scan(forceFullPass: false), cancellationToken);
        }

        var scanDone = Stopwatch.GetTimestamp();
        // After the scan: it is what knows every network namespace and a way into each.
        var net = await Task.Run(() => network.Collect(scan), cancellationToken);
        var netDone = Stopwatch.GetTimestamp();
        // Refreshes run one at a time, so the registry sees the states in the order they were built.
        var generations = identity.Observe(scan.Namespaces.Keys.Where(k => k.Type == NamespaceType.Net).Select(k => k.Inode));
        // The store's status enters the host's status here and nowhere else: read after the scan, it is as new as the
        // rest of a state that GET /api/status waits for, and the live stream carries it with the state.
        var state = HostStateBuilder.Build(scan, dockerState, docker.Endpoint, startedAt, net, generations, snapshots?.Status);
        LogRefreshed(
            Stopwatch.GetElapsedTime(startedAt, dockerDone).TotalMilliseconds,
            Stopwatch.GetElapsedTime(scanStarted, scanDone).TotalMilliseconds,
            Stopwatch.GetElapsedTime(scanDone, netDone).TotalMilliseconds,
            Stopwatch.GetElapsedTime(netDone).TotalMilliseconds);
        return state;
    }

    /// <summary>Whether the engine names a running container whose init process the scan did not see.</summary>
    internal static bool MissingInits(DockerState docker, ProcScan scan)
    {
        var inits = docker.Containers.Where(c => c.Pid is > 0).Select(c => c.Pid!.Value).ToList();
        if (inits.Count == 0)
        {
            return false;
        }

        var seen = scan.Processes.Select(p => p.Pid).ToHashSet();
        return inits.Any(pid => !seen.Contains(pid));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed: docker {DockerMs:0.0} ms, /proc (beside docker) {ScanMs:0.0} ms, netlink {NetMs:0.0} ms, build {BuildMs:0.0} ms")]
    private partial void LogRefreshed(double dockerMs, double scanMs, double netMs, double buildMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing the host's state failed; retrying at the next interval")]
    private partial void LogRefreshFailed(Exception exception);
}
