using System.Diagnostics;
using System.Threading.Channels;
using Dashboard.Server.Collection.Docker;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;
using Dashboard.Server.Configuration;
using Dashboard.Server.State;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Live;

/// <summary>
/// Keeps the host's state current from what the kernel and the engine report. Process, mount and network events and
/// the engine's events are folded into <see cref="PendingChanges"/>; each refresh reads again only what they name
/// (<see cref="IProcSource.Update"/>, <see cref="INetworkSource.Collect(ProcScan, NetDelta)"/>, the engine's lists
/// when it reported something or namespaces came or went). A full rescan runs every
/// <see cref="DashboardOptions.ScanInterval"/> as a safety net, and on request (<c>?fresh=true</c>); a source that could
/// not be opened has its part read every <see cref="DashboardOptions.FallbackScanInterval"/> instead. One refresh runs
/// at a time; every state built goes to the <see cref="LivePublisher"/>, and requests are answered from it.
/// </summary>
internal sealed partial class LiveStateService(
    DockerTracker docker,
    IProcSource proc,
    INetworkSource network,
    TopologyIdentity identity,
    LivePublisher publisher,
    EventSources sources,
    IOptions<DashboardOptions> options,
    ILogger<LiveStateService> logger,
    ISnapshotStore? snapshots = null) : BackgroundService, IHostStateProvider
{
    /// <summary>How long a refresh waits after the first event of a burst, so that a fork, its exec and its siblings come as one.</summary>
    internal static readonly TimeSpan CoalesceDelay = TimeSpan.FromMilliseconds(15);
    /// <summary>
    /// How long a request waits for the refresh that applies events received before it: as long as the engine may
    /// take to answer that refresh (<see cref="DashboardOptions.DockerTimeout"/>), so that a loaded host still answers
    /// with what happened before the request, while a hung engine holds requests no longer than it holds the refresh.
    /// It was one second, which a host at load 30 (CI's test assemblies side by side) overran.
    /// </summary>
    private TimeSpan RequestWait => options.Value.DockerTimeout;
    /// <summary>
    /// A program that just exec'd usually starts listening a moment later: its network namespace's sockets are read
    /// at the exec and once more after this.
    /// </summary>
    internal static readonly TimeSpan SocketFollowUp = TimeSpan.FromSeconds(1);
    /// <summary>At most this often a refresh runs for process churn alone (processes joining and leaving known namespaces).</summary>
    internal static readonly TimeSpan ChurnInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _lock = new();
    private readonly Channel<bool> _trigger = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource<HostState>? _freshWaiting;
    private TaskCompletionSource _appliedSignal = NewSignal();
    private readonly TaskCompletionSource<HostState> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HostState? _latest;
    private long _applied = -1;
    // The event sequence of the newest state built from changes that may matter (see ChangeSignificance).
    private long _significantApplied;
    // What the refresh under way took, and the scan it applies it to: a request weighs both.
    private Taken? _applying;
    private ProcScan? _appliedScan;

    // Only the refresh loop touches these.
    private ProcScan? _scan;
    private DockerState? _docker;
    private long _lastFullScan;
    private long _lastRefresh;
    private long _lastPoll;
    private long _fullScans;
    private long _updates;
    private DateTimeOffset? _lastFullScanAt;
    private double? _lastFullScanMs;
    private readonly HashSet<ulong> _followUp = [];
    private long _followUpDue;

    public async Task<ServedState> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        // Events the kernel queued before this request (a command that just returned) must be read before it counts.
        while (sources.HasBacklog && waited.Elapsed < RequestWait)
        {
            await Task.Delay(1, cancellationToken);
        }

        var target = sources.Pending.Sequence;
        var mustWait = MayMatter(target);
        while (mustWait)
        {
            Task applied;
            lock (_lock)
            {
                if (_latest is not null && _applied >= target)
                {
                    break;
                }

                applied = _appliedSignal.Task;
            }

            // A late refresh (a slow engine) must not hold requests for longer than RequestWait.
            var left = RequestWait - waited.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                break;
            }

            try
            {
                await applied.WaitAsync(left, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }

        var state = await _first.Task.WaitAsync(cancellationToken);
        long significant;
        lock (_lock)
        {
            state = _latest ?? state;
            significant = _significantApplied;
        }

        // The published state may be older than the newest only by changes that do not matter (process churn): then
        // it is served as it is, without publishing ahead of the batch interval.
        if (publisher.Current() is { } published && published.Records.State.EventSequence >= significant)
        {
            return Served(published);
        }

        return Served(await publisher.CurrentAsync(state, cancellationToken));
    }

    /// <summary>
    /// Whether something reported up to <paramref name="target"/> and not yet applied (pending, or taken by the refresh
    /// under way) may change more than process counts: only then is a request held for it.
    /// </summary>
    private bool MayMatter(long target)
    {
        Taken? applying;
        ProcScan? applied;
        lock (_lock)
        {
            if (_latest is null)
            {
                return true;
            }

            if (_applied >= target)
            {
                return false;
            }

            (applying, applied) = (_applying, _appliedScan);
        }

        return (applying is not null && ChangeSignificance.MayChangeNamespaces(applying, applied, PeekNamespaces))
            || ChangeSignificance.MayChangeNamespaces(sources.Pending.Peek(), applied, PeekNamespaces);
    }

    private IReadOnlyCollection<NamespaceKey>? PeekNamespaces(int pid) => ProcessReader.PeekNamespaces(options.Value.ProcRoot, pid);

    public async Task<ServedState> GetFreshAsync(CancellationToken cancellationToken)
    {
        Task<HostState> next;
        lock (_lock)
        {
            _freshWaiting ??= new TaskCompletionSource<HostState>(TaskCreationOptions.RunContinuationsAsynchronously);
            next = _freshWaiting.Task;
        }

        Trigger();
        // The refresh is shared, so one caller's cancellation must not cancel it for the others.
        var state = await next.WaitAsync(cancellationToken);
        return Served(await publisher.CurrentAsync(state, cancellationToken));
    }

    private ServedState Served(PublishedState published) => new(published.Records.State, publisher.Epoch, published.Version);

    private void Trigger() => _trigger.Writer.TryWrite(true);

    private void OnDockerChanged()
    {
        sources.Pending.DockerChanged();
        Trigger();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        docker.Changed += OnDockerChanged;
        sources.Reported += Trigger;
        sources.Start(stoppingToken);
        var events = Task.Run(() => docker.RunAsync(stoppingToken), CancellationToken.None);
        var publishing = Task.Run(() => publisher.RunAsync(stoppingToken), CancellationToken.None);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RefreshOnceAsync(stoppingToken);
                await WaitForWorkAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            docker.Changed -= OnDockerChanged;
            sources.Reported -= Trigger;
            lock (_lock)
            {
                _freshWaiting?.TrySetCanceled(stoppingToken);
            }

            _first.TrySetCanceled(stoppingToken);
            await sources.DisposeAsync();
            await Task.WhenAll(events, publishing);
        }
    }

    /// <summary>
    /// Waits until there is something to do: a report, a request for a fresh state, or a timer falling due. Reports
    /// that can only change process counts (see <see cref="ChangeSignificance"/>) are gathered for up to
    /// <see cref="ChurnInterval"/> after the last refresh, so that a busy host's forks cost a few refreshes a second.
    /// </summary>
    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        if (!HasWork() && !await WaitForTriggerAsync(UntilDue(), stoppingToken))
        {
            return;
        }

        // The rest of a burst: a fork is followed by its exec, a container's start by dozens of events.
        await Task.Delay(CoalesceDelay, stoppingToken);
        while (Stopwatch.GetElapsedTime(_lastRefresh) < ChurnInterval && !FreshWanted() && UntilDue() > TimeSpan.Zero
            && !ChangeSignificance.MayChangeNamespaces(sources.Pending.Peek(), _scan, PeekNamespaces))
        {
            var churnLeft = ChurnInterval - Stopwatch.GetElapsedTime(_lastRefresh);
            if (!await WaitForTriggerAsync(Min(churnLeft, UntilDue()), stoppingToken))
            {
                return;
            }

            await Task.Delay(CoalesceDelay, stoppingToken);
        }
    }

    /// <summary>Waits for a trigger; false when <paramref name="timeout"/> passed first.</summary>
    private async Task<bool> WaitForTriggerAsync(TimeSpan timeout, CancellationToken stoppingToken)
    {
        if (_trigger.Reader.TryRead(out _))
        {
            return true;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timer.CancelAfter(timeout);
        try
        {
            await _trigger.Reader.WaitToReadAsync(timer.Token);
            _trigger.Reader.TryRead(out _);
            return true;
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private bool FreshWanted()
    {
        lock (_lock)
        {
            return _freshWaiting is not null;
        }
    }

    private bool HasWork() => FreshWanted() || sources.Pending.Any;

    /// <summary>Until the next timer: the safety-net rescan, the polling of sources that are not live, a socket follow-up.</summary>
    private TimeSpan UntilDue()
    {
        var o = options.Value;
        var due = Min(o.ScanInterval, o.DescriptorScanInterval) - Stopwatch.GetElapsedTime(_lastFullScan);
        if (SomethingPolled())
        {
            due = Min(due, o.FallbackScanInterval - Stopwatch.GetElapsedTime(_lastPoll));
        }

        if (_followUp.Count > 0)
        {
            due = Min(due, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _followUpDue));
        }

        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    private bool AllSourcesLive() => sources.ProcessEventsLive && sources.MountEventsLive && sources.NetlinkEventsLive;

    /// <summary>Whether anything waits for the next poll: a source that is not live, or network namespaces no socket follows.</summary>
    private bool SomethingPolled() => !AllSourcesLive() || sources.UnwatchedNetns.Count > 0;

    private async Task RefreshOnceAsync(CancellationToken stoppingToken)
    {
        TaskCompletionSource<HostState>? fresh;
        long startedAt;
        lock (_lock)
        {
            (fresh, _freshWaiting) = (_freshWaiting, null);
            startedAt = Stopwatch.GetTimestamp();
        }

        // Drop triggers that arrived before this refresh began: it covers them.
        _trigger.Reader.TryRead(out _);
        _lastRefresh = startedAt;
        var full = fresh is not null || _scan is null || FullScanDue();
        var taken = sources.Pending.Take();
        lock (_lock)
        {
            (_applying, _appliedScan) = (taken, _scan);
        }

        try
        {
            var significant = full || ChangeSignificance.MayChangeNamespaces(taken, _scan, PeekNamespaces);
            var state = await CollectAsync(startedAt, taken, full, stoppingToken);
            lock (_lock)
            {
                if (state is not null)
                {
                    _latest = state;
                    _significantApplied = significant ? state.EventSequence : _significantApplied;
                }

                (_applying, _appliedScan) = (null, _scan);
                _applied = taken.Sequence;
                _appliedSignal.TrySetResult();
                _appliedSignal = NewSignal();
            }

            if (state is not null)
            {
                _first.TrySetResult(state);
                publisher.Offer(state);
            }

            if (_scan is not null)
            {
                sources.Follow(_scan);
            }

            fresh?.TrySetResult(state ?? _latest!);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogRefreshFailed(e);
            fresh?.TrySetException(e);
            // What was taken is taken again next time, whole: a full rescan.
            _scan = null;
            lock (_lock)
            {
                _applying = null;
            }

            await Task.Delay(options.Value.FallbackScanInterval, stoppingToken);
        }
    }

    private bool FullScanDue()
    {
        var o = options.Value;
        return Stopwatch.GetElapsedTime(_lastFullScan) >= Min(o.ScanInterval, o.DescriptorScanInterval);
    }

    /// <summary>Builds the next state, or returns null when what was reported changed nothing that is shown.</summary>
    private async Task<HostState?> CollectAsync(long startedAt, Taken taken, bool full, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var before = _scan;
        ProcScan scan;
        NetDelta netDelta;
        DockerState dockerState;
        var dockerStarted = Stopwatch.GetTimestamp();
        double dockerMs;
        if (full)
        {
            // The engine and /proc side by side: the Docker part mostly waits for the engine's answers.
            var scanning = Task.Run(() => proc.Scan(forceFullPass: true), cancellationToken);
            dockerState = await docker.RefreshAsync(cancellationToken);
            dockerMs = Stopwatch.GetElapsedTime(dockerStarted).TotalMilliseconds;
            scan = await scanning;
            netDelta = NetDelta.Everything;
            _lastFullScan = _lastPoll = Stopwatch.GetTimestamp();
            _followUp.Clear();
        }
        else
        {
            var polling = Stopwatch.GetElapsedTime(_lastPoll) >= o.FallbackScanInterval && SomethingPolled();
            var procDelta = taken.Proc;
            if (polling)
            {
                _lastPoll = Stopwatch.GetTimestamp();
                procDelta = procDelta with
                {
                    AllProcesses = procDelta.AllProcesses || !sources.ProcessEventsLive,
                    AllMountTables = procDelta.AllMountTables || !sources.MountEventsLive,
                };
            }

            scan = procDelta.IsEmpty ? before! : await Task.Run(() => proc.Update(procDelta), cancellationToken);
            netDelta = NetworkDelta(taken, scan, polling && !sources.NetlinkEventsLive, polling ? sources.UnwatchedNetns : null);
            var dockerNeeded = taken.Docker || _docker is null || !ScanComparison.SameNamespaces(before!, scan);
            dockerStarted = Stopwatch.GetTimestamp();
            dockerState = dockerNeeded ? await docker.RefreshAsync(cancellationToken) : _docker!;
            dockerMs = Stopwatch.GetElapsedTime(dockerStarted).TotalMilliseconds;
            if (!dockerNeeded && netDelta.Changed.Count == 0 && !netDelta.All && ScanComparison.Same(before!, scan))
            {
                // Processes that came and went within the batch, a fork that joined what its parent had: nothing to show.
                _scan = scan;
                return null;
            }
        }

        if (MissingInits(dockerState, scan) is { Count: > 0 } missing)
        {
            // A container started while the scan ran: read its init (a few files) rather than show a running
            // container without its namespaces until the next refresh.
            scan = await Task.Run(() => proc.Update(new ProcDelta { Changed = missing }), cancellationToken);
        }

        var scanDone = Stopwatch.GetTimestamp();
        // After the scan: it is what knows every network namespace and a way into each.
        var net = await Task.Run(() => network.Collect(scan, netDelta), cancellationToken);
        var netDone = Stopwatch.GetTimestamp();
        _scan = scan;
        _docker = dockerState;
        if (full)
        {
            _fullScans++;
            _lastFullScanAt = DateTimeOffset.UtcNow;
            _lastFullScanMs = Math.Round(Stopwatch.GetElapsedTime(startedAt, netDone).TotalMilliseconds, 2);
        }
        else
        {
            _updates++;
        }

        // Refreshes run one at a time, so the registry sees the states in the order they were built.
        var generations = identity.Observe(scan.Namespaces.Keys.Where(k => k.Type == NamespaceType.Net).Select(k => k.Inode));
        // The store's status enters the host's status here and nowhere else: read after the scan, it is as new as the
        // rest of a state that GET /api/status waits for, and the live stream carries it with the state.
        var state = HostStateBuilder.Build(
            scan, dockerState, docker.Endpoint, startedAt, net, generations, snapshots?.Status,
            sources.Describe(docker.EngineState, dockerState.Error),
            new CollectionStatus
            {
                FullScans = _fullScans,
                Updates = _updates,
                LastFullScanAt = _lastFullScanAt,
                LastFullScanMilliseconds = _lastFullScanMs,
                ScanInterval = o.ScanInterval,
                FallbackScanInterval = o.FallbackScanInterval,
            },
            taken.Sequence);
        LogRefreshed(
            full ? "full rescan" : "update",
            dockerMs,
            Stopwatch.GetElapsedTime(startedAt, scanDone).TotalMilliseconds,
            Stopwatch.GetElapsedTime(scanDone, netDone).TotalMilliseconds,
            Stopwatch.GetElapsedTime(netDone).TotalMilliseconds);
        return state;
    }

    /// <summary>
    /// The network namespaces to read again: those rtnetlink named, those of processes that exec'd (a new program
    /// may listen) now and once more a moment later, at a poll those no socket follows, and all of them when network
    /// events are polled.
    /// </summary>
    private NetDelta NetworkDelta(Taken taken, ProcScan scan, bool pollAll, IReadOnlySet<ulong>? polled)
    {
        if (pollAll || taken.Net.All)
        {
            return NetDelta.Everything;
        }

        var changed = new HashSet<ulong>(taken.Net.Changed);
        if (polled is not null)
        {
            changed.UnionWith(polled);
        }

        if (_followUp.Count > 0 && Stopwatch.GetTimestamp() >= _followUpDue)
        {
            changed.UnionWith(_followUp);
            _followUp.Clear();
        }

        if (taken.Execs.Count > 0)
        {
            var execNetns = new HashSet<ulong>();
            foreach (var process in scan.Processes)
            {
                if (taken.Execs.Contains(process.Pid) && process.Namespaces.TryGetValue(NamespaceType.Net, out var netns))
                {
                    execNetns.Add(netns);
                }
            }

            changed.UnionWith(execNetns);
            if (execNetns.Count > 0)
            {
                _followUp.UnionWith(execNetns);
                _followUpDue = Stopwatch.GetTimestamp() + (long)(SocketFollowUp.TotalSeconds * Stopwatch.Frequency);
            }
        }

        return new NetDelta { Changed = changed };
    }

    /// <summary>The init PIDs of running containers the scan did not see.</summary>
    internal static IReadOnlyCollection<int> MissingInits(DockerState docker, ProcScan scan)
    {
        var inits = docker.Containers.Where(c => c.Pid is > 0).Select(c => c.Pid!.Value).ToList();
        if (inits.Count == 0)
        {
            return [];
        }

        var seen = scan.Processes.Select(p => p.Pid).ToHashSet();
        return [.. inits.Where(pid => !seen.Contains(pid))];
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed ({Kind}): docker {DockerMs:0.0} ms, /proc {ScanMs:0.0} ms, netlink {NetMs:0.0} ms, build {BuildMs:0.0} ms")]
    private partial void LogRefreshed(string kind, double dockerMs, double scanMs, double netMs, double buildMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing the host's state failed; a full rescan follows")]
    private partial void LogRefreshFailed(Exception exception);
}
