using System.Threading.Channels;
using Dashboard.Server.Collection.Events;
using Dashboard.Server.Collection.Proc;
using Dashboard.Server.Configuration;
using Dashboard.Shared.Contracts;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Live;

/// <summary>Opens the kernel's event sources; a seam so that tests can make one fail to open.</summary>
internal interface IEventSourceFactory
{
    /// <summary>The proc connector, or <see cref="ProcEventsUnavailableException"/>.</summary>
    /// <param name="initialNetns">A path to the initial network namespace when this process is in another one.</param>
    ProcEventSource OpenProcessEvents(string? initialNetns);

    /// <summary>Mount-table events per mount namespace, or <see cref="MountEventsUnavailableException"/>.</summary>
    MountEventSource OpenMountEvents(string procRoot);
}

internal sealed class KernelEventSourceFactory : IEventSourceFactory
{
    public ProcEventSource OpenProcessEvents(string? initialNetns) => ProcEventSource.Open(initialNetns: initialNetns);

    public MountEventSource OpenMountEvents(string procRoot) => MountEventSource.Open(procRoot);
}

/// <summary>
/// The kernel's event sources as the live service uses them: each opened once at start, its events folded into
/// <see cref="Pending"/>, its state (live, polling, unavailable) kept for the status. A source that cannot be opened,
/// or that fails later, leaves its part to polling every <c>Dashboard:FallbackScanInterval</c>.
/// </summary>
internal sealed partial class EventSources(IEventSourceFactory factory, IOptions<DashboardOptions> options, ILogger<EventSources> logger) : IAsyncDisposable
{
    private const string ProcConnector = "proc connector";
    private const string MountTablesPolled = "mountinfo of every mount namespace";
    // The kernel's fixed inodes of the initial pid and user namespaces (PROC_PID_INIT_INO, PROC_USER_INIT_INO).
    private const string InitialPidNamespace = "pid:[4026531836]";
    private const string InitialUserNamespace = "user:[4026531837]";

    private readonly Lock _lock = new();
    private readonly List<Task> _pumps = [];
    private ProcEventSource? _processEvents;
    private MountEventSource? _mountEvents;
    private EventSourceStatus _processStatus = Polling(ProcConnector, "not started");
    private EventSourceStatus _mountStatus = Polling(MountTablesPolled, "not started");
    private EventSourceStatus _netlinkStatus = Polling("rtnetlink dump of every network namespace", "network events are not followed yet");

    /// <summary>What the sources reported since the last refresh took it.</summary>
    public PendingChanges Pending { get; } = new();

    /// <summary>Raised on a source's thread after each batch of reports, to wake the refresh loop.</summary>
    public event Action? Reported;

    public bool ProcessEventsLive => Status(ref _processStatus).State == EventSourceState.Live;

    public bool MountEventsLive => Status(ref _mountStatus).State == EventSourceState.Live;

    public bool NetlinkEventsLive => Status(ref _netlinkStatus).State == EventSourceState.Live;

    /// <summary>Whether the kernel has queued process events nobody has read yet (see <see cref="ProcEventSource.HasBacklog"/>).</summary>
    public bool HasBacklog
    {
        get
        {
            lock (_lock)
            {
                return _processEvents?.HasBacklog == true;
            }
        }
    }

    /// <summary>The sources' states, with the engine's events as the tracker reports them.</summary>
    public EventSourcesStatus Describe(DockerEngineState engine, string? engineError) => new()
    {
        ProcessEvents = Status(ref _processStatus),
        MountEvents = Status(ref _mountStatus),
        NetlinkEvents = Status(ref _netlinkStatus),
        DockerEvents = engine == DockerEngineState.Connected
            ? new EventSourceStatus { State = EventSourceState.Live, Mechanism = "engine event stream" }
            : new EventSourceStatus
            {
                State = EventSourceState.Unavailable,
                Mechanism = "engine event stream",
                Reason = $"the engine is {engine.ToString().ToLowerInvariant()}" + (engineError is null ? "" : $": {engineError}"),
            },
    };

    /// <summary>Opens every source it can; the others are polled.</summary>
    public void Start(CancellationToken stopping)
    {
        if (ProcessEventsProblem() is { } problem)
        {
            Set(ref _processStatus, Polling(ProcConnector, problem));
        }
        else
        {
            try
            {
                var source = factory.OpenProcessEvents(InitialNetnsIfElsewhere());
                lock (_lock)
                {
                    _processEvents = source;
                }

                Set(ref _processStatus, new EventSourceStatus { State = EventSourceState.Live, Mechanism = ProcConnector });
                _pumps.Add(Task.Run(() => PumpAsync(source.Events, Pending.Add, ProcessEventsFailed, stopping), CancellationToken.None));
            }
            catch (ProcEventsUnavailableException e)
            {
                Set(ref _processStatus, Polling(ProcConnector, e.Reason));
            }
        }

        try
        {
            var mounts = factory.OpenMountEvents(options.Value.ProcRoot);
            lock (_lock)
            {
                _mountEvents = mounts;
            }

            Set(ref _mountStatus, new EventSourceStatus
            {
                State = EventSourceState.Live,
                Mechanism = mounts.FallbackReason is { } why ? $"{mounts.Mechanism} ({why})" : mounts.Mechanism,
            });
            _pumps.Add(Task.Run(() => PumpAsync(mounts.Events, AddMountEvent, MountEventsFailed, stopping), CancellationToken.None));
        }
        catch (MountEventsUnavailableException e)
        {
            Set(ref _mountStatus, Polling(MountTablesPolled, e.Reason));
            LogPolling("mount", e.Reason, options.Value.FallbackScanInterval);
        }

        LogSources(Status(ref _processStatus).State, Status(ref _mountStatus).State, Status(ref _netlinkStatus).State);
        if (!ProcessEventsLive)
        {
            LogPolling("process", Status(ref _processStatus).Reason ?? "", options.Value.FallbackScanInterval);
        }
    }

    public async ValueTask DisposeAsync()
    {
        ProcEventSource? processEvents;
        MountEventSource? mountEvents;
        lock (_lock)
        {
            (processEvents, _processEvents) = (_processEvents, null);
            (mountEvents, _mountEvents) = (_mountEvents, null);
        }

        // Disposing completes each source's channel, which ends its pump.
        processEvents?.Dispose();
        mountEvents?.Dispose();
        await Task.WhenAll(_pumps);
    }

    /// <summary>
    /// Why the proc connector's events would not describe the proc root that is scanned, or null when they do. The
    /// kernel gives PIDs as the initial pid namespace sees them, and answers no listener outside it or outside the
    /// initial user namespace (without an error: there would simply be no events).
    /// </summary>
    private string? ProcessEventsProblem()
    {
        if (ProcLink.Read("/proc/self/ns/pid", out _) != InitialPidNamespace || ProcLink.Read("/proc/self/ns/user", out _) != InitialUserNamespace)
        {
            return "the server does not run in the host's initial pid and user namespaces, where alone the proc connector reports";
        }

        var self = ProcLink.Read(Path.Join(options.Value.ProcRoot, "self"), out _);
        return self == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ? null
            : $"the proc root {options.Value.ProcRoot} is not this pid namespace's /proc, so the kernel's PIDs would not match it";
    }

    /// <summary>
    /// The initial network namespace, through kthreadd (PID 2, which always lives there), when this process is in
    /// another one; null when it is in it, or when that cannot be told.
    /// </summary>
    private string? InitialNetnsIfElsewhere()
    {
        var initial = Path.Join(options.Value.ProcRoot, "2", "ns", "net");
        var theirs = ProcLink.Read(initial, out _);
        return theirs is not null && theirs != ProcLink.Read("/proc/self/ns/net", out _) ? initial : null;
    }

    /// <summary>
    /// Follows the mount namespaces of <paramref name="scan"/> and stops following those it no longer has, at once:
    /// a watch of the fallback mechanism (an open mountinfo) holds its namespace. A namespace followed only from now on
    /// is read once more, since its table may have changed between the scan's read and the watch.
    /// </summary>
    public void Follow(ProcScan scan)
    {
        MountEventSource? mounts;
        lock (_lock)
        {
            mounts = _mountEvents;
        }

        if (mounts is null)
        {
            return;
        }

        foreach (var gone in mounts.Watched.Where(m => !scan.MountTables.ContainsKey(m)).ToList())
        {
            mounts.Unwatch(gone);
        }

        var watched = mounts.Watched.ToHashSet();
        var added = false;
        foreach (var (inode, pid) in scan.MountTables)
        {
            if (!watched.Contains(inode) && mounts.Watch(inode, pid, out _))
            {
                Pending.MountTableChanged(inode);
                added = true;
            }
        }

        if (added)
        {
            Reported?.Invoke();
        }
    }

    private void AddMountEvent(MountEvent e)
    {
        switch (e)
        {
            case MountTableChanged changed:
                Pending.MountTableChanged(changed.MountNamespace);
                break;
            case MountEventsLost:
                Pending.AllMountTables();
                break;
        }
    }

    private void MountEventsFailed(Exception? error)
    {
        Set(ref _mountStatus, Polling(MountTablesPolled, $"stopped: {error?.Message ?? "the source ended"}"));
        LogPolling("mount", error?.Message ?? "the source ended", options.Value.FallbackScanInterval);
        Pending.AllMountTables();
        Reported?.Invoke();
    }

    private void ProcessEventsFailed(Exception? error)
    {
        Set(ref _processStatus, Polling(ProcConnector, $"stopped: {error?.Message ?? "the source ended"}"));
        LogPolling("process", error?.Message ?? "the source ended", options.Value.FallbackScanInterval);
        Pending.AllProcesses();
        Reported?.Invoke();
    }

    /// <summary>Moves a source's events into <see cref="Pending"/>, a burst at a time, until its channel completes.</summary>
    private async Task PumpAsync<T>(ChannelReader<T> events, Action<T> add, Action<Exception?> failed, CancellationToken stopping)
    {
        try
        {
            while (await events.WaitToReadAsync(CancellationToken.None))
            {
                while (events.TryRead(out var e))
                {
                    add(e);
                }

                Reported?.Invoke();
            }

            // Completed: disposed at shutdown, or the source gave up.
            if (!stopping.IsCancellationRequested)
            {
                failed(null);
            }
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            failed(e);
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
        }
    }

    private static EventSourceStatus Polling(string mechanism, string reason) =>
        new() { State = EventSourceState.Polling, Mechanism = mechanism, Reason = reason };

    private EventSourceStatus Status(ref EventSourceStatus field)
    {
        lock (_lock)
        {
            return field;
        }
    }

    private void Set(ref EventSourceStatus field, EventSourceStatus value)
    {
        lock (_lock)
        {
            field = value;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event sources: process events {Process}, mount events {Mount}, network events {Netlink}")]
    private partial void LogSources(EventSourceState process, EventSourceState mount, EventSourceState netlink);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No {Kind} events ({Reason}): polling every {Interval} instead")]
    private partial void LogPolling(string kind, string reason, TimeSpan interval);
}
