using System.Threading.Channels;
using Dashboard.Server.Collection.Events;
using Dashboard.Server.Collection.Proc;
using Dashboard.Server.Configuration;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;
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

    /// <summary>rtnetlink notifications per network namespace, or <see cref="NetlinkEventsUnavailableException"/>.</summary>
    NetlinkEventSource OpenNetlinkEvents();
}

internal sealed class KernelEventSourceFactory : IEventSourceFactory
{
    public ProcEventSource OpenProcessEvents(string? initialNetns) => ProcEventSource.Open(initialNetns: initialNetns);

    public MountEventSource OpenMountEvents(string procRoot) => MountEventSource.Open(procRoot);

    public NetlinkEventSource OpenNetlinkEvents() => NetlinkEventSource.Open();
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
    private const string NetnsPolled = "rtnetlink dump of every network namespace";
    // The kernel's fixed inodes of the initial pid and user namespaces (PROC_PID_INIT_INO, PROC_USER_INIT_INO).
    private const string InitialPidNamespace = "pid:[4026531836]";
    private const string InitialUserNamespace = "user:[4026531837]";

    private readonly Lock _lock = new();
    private readonly List<Task> _pumps = [];
    private ProcEventSource? _processEvents;
    private MountEventSource? _mountEvents;
    private NetlinkEventSource? _netlinkEvents;
    private IReadOnlySet<ulong> _unwatchedNetns = new HashSet<ulong>();
    private EventSourceStatus _processStatus = Polling(ProcConnector, "not started");
    private EventSourceStatus _mountStatus = Polling(MountTablesPolled, "not started");
    private EventSourceStatus _netlinkStatus = Polling(NetnsPolled, "not started");

    /// <summary>What the sources reported since the last refresh took it.</summary>
    public PendingChanges Pending { get; } = new();

    /// <summary>Raised on a source's thread after each batch of reports, to wake the refresh loop.</summary>
    public event Action? Reported;

    public bool ProcessEventsLive => Status(ref _processStatus).State == EventSourceState.Live;

    public bool MountEventsLive => Status(ref _mountStatus).State == EventSourceState.Live;

    public bool NetlinkEventsLive => Status(ref _netlinkStatus).State == EventSourceState.Live;

    /// <summary>
    /// Network namespaces of the last followed scan that no socket follows (held only by a descriptor, whose closing
    /// no event announces, or one that could not be entered): read again at every poll.
    /// </summary>
    public IReadOnlySet<ulong> UnwatchedNetns
    {
        get
        {
            lock (_lock)
            {
                return _unwatchedNetns;
            }
        }
    }

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

        try
        {
            var netlink = factory.OpenNetlinkEvents();
            lock (_lock)
            {
                _netlinkEvents = netlink;
            }

            Set(ref _netlinkStatus, new EventSourceStatus { State = EventSourceState.Live, Mechanism = NetlinkEventSource.MechanismName });
            _pumps.Add(Task.Run(() => PumpAsync(netlink.Events, AddNetlinkEvent, NetlinkEventsFailed, stopping), CancellationToken.None));
        }
        catch (NetlinkEventsUnavailableException e)
        {
            Set(ref _netlinkStatus, Polling(NetnsPolled, e.Reason));
            LogPolling("network", e.Reason, options.Value.FallbackScanInterval);
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
        NetlinkEventSource? netlinkEvents;
        lock (_lock)
        {
            (processEvents, _processEvents) = (_processEvents, null);
            (mountEvents, _mountEvents) = (_mountEvents, null);
            (netlinkEvents, _netlinkEvents) = (_netlinkEvents, null);
        }

        // Disposing completes each source's channel, which ends its pump.
        processEvents?.Dispose();
        mountEvents?.Dispose();
        netlinkEvents?.Dispose();
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
        NetlinkEventSource? netlink;
        lock (_lock)
        {
            (mounts, netlink) = (_mountEvents, _netlinkEvents);
        }

        var added = FollowNetns(netlink, scan);
        if (mounts is null)
        {
            if (added)
            {
                Reported?.Invoke();
            }

            return;
        }

        foreach (var gone in mounts.Watched.Where(m => !scan.MountTables.ContainsKey(m)).ToList())
        {
            mounts.Unwatch(gone);
        }

        var watched = mounts.Watched.ToHashSet();
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

    /// <summary>
    /// Follows each network namespace of the scan that a process or a bind mount holds, and no other: those holders
    /// announce their going (an exit, an unmount), so the socket is closed by the refresh that sees the namespace
    /// leave, and never outlives its other holders by more than that. A namespace held only by a descriptor would be
    /// kept alive by the socket once the descriptor closes, which nothing reports: those are polled instead.
    /// True when a namespace is followed from now on (it is read once more: it may have changed before the socket was
    /// there).
    /// </summary>
    private bool FollowNetns(NetlinkEventSource? netlink, ProcScan scan)
    {
        var wanted = NetnsToFollow(scan);
        var all = scan.Namespaces.Values.Where(n => n.Type == NamespaceType.Net).Select(n => n.Inode).ToHashSet();

        if (netlink is null)
        {
            lock (_lock)
            {
                _unwatchedNetns = all;
            }

            return false;
        }

        foreach (var gone in netlink.Watched.Where(n => !wanted.ContainsKey(n)).ToList())
        {
            netlink.Unwatch(gone);
        }

        var watched = netlink.Watched.ToHashSet();
        var added = false;
        foreach (var (inode, record) in wanted)
        {
            if (watched.Contains(inode))
            {
                continue;
            }

            if (netlink.Watch(inode, record.OpenPaths, out var error))
            {
                Pending.NetnsChanged(inode);
                watched.Add(inode);
                added = true;
            }
            else
            {
                LogNetnsNotFollowed(inode, error);
            }
        }

        all.ExceptWith(watched);
        lock (_lock)
        {
            _unwatchedNetns = all;
        }

        return added;
    }

    /// <summary>The network namespaces of the scan that a member process or a bind mount holds (see <see cref="FollowNetns"/>).</summary>
    internal static Dictionary<ulong, NamespaceRecord> NetnsToFollow(ProcScan scan)
    {
        var wanted = new Dictionary<ulong, NamespaceRecord>();
        foreach (var record in scan.Namespaces.Values)
        {
            if (record.Type == NamespaceType.Net && (scan.MemberCounts.GetValueOrDefault(record.Key) > 0 || record.BindMounts.Count > 0))
            {
                wanted[record.Inode] = record;
            }
        }

        return wanted;
    }

    private void AddNetlinkEvent(NetlinkEvent e)
    {
        switch (e)
        {
            case NetnsChanged changed:
                Pending.NetnsChanged(changed.Netns);
                break;
            case NetlinkEventsLost:
                Pending.AllNetns();
                break;
        }
    }

    private void NetlinkEventsFailed(Exception? error)
    {
        Set(ref _netlinkStatus, Polling(NetnsPolled, $"stopped: {error?.Message ?? "the source ended"}"));
        LogPolling("network", error?.Message ?? "the source ended", options.Value.FallbackScanInterval);
        Pending.AllNetns();
        Reported?.Invoke();
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Network namespace {Inode} not followed, polled instead: {Error}")]
    private partial void LogNetnsNotFollowed(ulong inode, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event sources: process events {Process}, mount events {Mount}, network events {Netlink}")]
    private partial void LogSources(EventSourceState process, EventSourceState mount, EventSourceState netlink);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No {Kind} events ({Reason}): polling every {Interval} instead")]
    private partial void LogPolling(string kind, string reason, TimeSpan interval);
}
