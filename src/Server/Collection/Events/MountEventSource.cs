using System.Globalization;
using System.Threading.Channels;
using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Events;

/// <summary>What the mount event source says happened to a mount table.</summary>
internal abstract record MountEvent;

/// <summary>The mount table of this mount namespace (by nsfs inode) changed: something was mounted, unmounted or moved.</summary>
internal sealed record MountTableChanged(ulong MountNamespace) : MountEvent;

/// <summary>
/// Events were lost (the channel was full): whoever keeps state must reread every mount table. The kernel's own
/// queue overflowing is not reported so: it names the namespaces it concerns, which get a <see cref="MountTableChanged"/>.
/// </summary>
internal sealed record MountEventsLost : MountEvent
{
    public static readonly MountEventsLost Instance = new();
}

/// <summary>How the source learns of changes; <see cref="MountEventSource.Open(string)"/> takes the first that works.</summary>
internal enum MountEventMechanism
{
    /// <summary>fanotify mount events (Linux 6.15+): FAN_MARK_MNTNS marks, which do not hold the namespace.</summary>
    Fanotify,
    /// <summary>POLLPRI on an open /proc/&lt;pid&gt;/mountinfo (any kernel), which holds the namespace while watched.</summary>
    Mountinfo,
}

/// <summary>
/// No mechanism for mount events works here, so mount tables have to be polled. <see cref="Errno"/> is what the
/// kernel said to the last one tried; <see cref="Reason"/> says why each was refused, on one line for the status page.
/// </summary>
internal sealed class MountEventsUnavailableException : Exception
{
    public MountEventsUnavailableException(string step, int errno)
        : this([(step, errno)])
    {
    }

    public MountEventsUnavailableException(IReadOnlyList<(string Step, int Errno)> refusals)
        : base($"mount events unavailable: {Describe(refusals)}")
    {
        Errno = refusals[^1].Errno;
        Reason = Describe(refusals);
    }

    public int Errno { get; }

    public string Reason { get; }

    internal static string Describe(IEnumerable<(string Step, int Errno)> refusals) =>
        string.Join("; ", refusals.Select(r => $"{r.Step}: {Explain(r.Errno)}"));

    internal static string Explain(int errno) => errno switch
    {
        FanotifyInterop.Eperm => "EPERM, fanotify mount marks need CAP_SYS_ADMIN",
        // fanotify_init rejects FAN_REPORT_MNT, and fanotify_mark FAN_MARK_MNTNS, on kernels before 6.15.
        FanotifyInterop.Einval => "EINVAL, the kernel has no fanotify mount events (Linux 6.15+)",
        FanotifyInterop.Enosys => "ENOSYS, the kernel has no fanotify (CONFIG_FANOTIFY)",
        FanotifyInterop.Emfile => "EMFILE, too many fanotify groups (fs.fanotify.max_user_groups) or open files",
        FanotifyInterop.Enoent => "ENOENT, no such file or process",
        FanotifyInterop.Esrch => "ESRCH, the process is gone",
        FanotifyInterop.Eacces => "EACCES, refused by the kernel or a security module",
        _ => new System.ComponentModel.Win32Exception(errno).Message,
    };
}

/// <summary>
/// Tells when the mount table of a followed mount namespace changes, so nsfs bind mounts (ip netns, Docker) are
/// found without rereading every namespace's mountinfo on every scan. One thread waits in epoll_wait with no
/// timeout, woken only by the kernel or by an eventfd on Dispose, and writes one <see cref="MountTableChanged"/> per
/// namespace per wake-up into a bounded channel; when the channel is full a <see cref="MountEventsLost"/> takes the
/// place of what was dropped.
/// <para>
/// Mechanism: fanotify when the kernel has mount events (6.15+), else POLLPRI on mountinfo. Measured on 6.18 (2
/// cores, 100 mounts and umounts of a tmpfs): a waiting reader had the event a median 0.04 ms (mountinfo) and
/// 0.08 ms (fanotify) after mount(2) returned, the worst a few ms; with 301 namespaces followed neither woke once
/// in 10 idle seconds; Watch cost about 40 µs a namespace with either. What decides it is lifetime: an open
/// mountinfo holds its namespace alive for as long as it is watched, a FAN_MARK_MNTNS mark does not (the namespace
/// dies with its last process, and the kernel reports its mounts detached and drops the mark), so a namespace
/// whose Unwatch comes late is not kept alive.
/// </para>
/// <para>
/// A mount event carries only the mount's id, and statmount finds an attached mount only when asked in its own
/// namespace (a detached one not at all), so the namespace is told by the group the event came from: each
/// namespace gets a group of its own, up to <see cref="DefaultGroupBudget"/> of them, since fanotify allows 128 groups
/// per user (fs.fanotify.max_user_groups), shared with every other program of root's. Beyond the budget, or when
/// the kernel refuses more groups, namespaces share the least crowded group, and an event on a shared group reports
/// each of its namespaces: with 300 namespaces a change reports at most 5. A group's queue overflow likewise
/// reports its namespaces, which covers what was lost.
/// </para>
/// </summary>
internal sealed class MountEventSource : IDisposable
{
    public const int DefaultChannelCapacity = 4096;
    public const int DefaultGroupBudget = 64;

    private const ulong WakeToken = 0;
    // A mount storm (a namespace torn down with thousands of mounts) is drained over several wake-ups, so Watch and
    // Unwatch never wait long for the lock.
    private const int ReadsPerWakeUp = 16;

    private readonly string _procRoot;
    private readonly int _groupBudget;
    private readonly int _epoll;
    private readonly int _wake;
    private readonly Channel<MountEvent> _events;
    private readonly Thread _thread;
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Followed> _followed = [];
    private readonly Dictionary<ulong, Listener> _listeners = [];
    private ulong _nextToken = WakeToken + 1;
    private bool _disposed;

    private MountEventSource(
        string procRoot, MountEventMechanism mechanism, string? fallbackReason, int epoll, int wake, int channelCapacity, int groupBudget)
    {
        _procRoot = procRoot;
        Kind = mechanism;
        FallbackReason = fallbackReason;
        _epoll = epoll;
        _wake = wake;
        _groupBudget = groupBudget;
        _events = Channel.CreateBounded<MountEvent>(
            new BoundedChannelOptions(channelCapacity) { SingleWriter = true, SingleReader = true });
        _thread = new Thread(Loop) { IsBackground = true, Name = "mount events" };
        _thread.Start();
    }

    /// <summary>"fanotify" or "mountinfo".</summary>
    public string Mechanism => Kind == MountEventMechanism.Fanotify ? "fanotify" : "mountinfo";

    internal MountEventMechanism Kind { get; }

    /// <summary>Why fanotify was not used, for the status page; null when it is the mechanism.</summary>
    public string? FallbackReason { get; }

    /// <summary>The events as they come; completes when the source is disposed.</summary>
    public ChannelReader<MountEvent> Events => _events.Reader;

    /// <summary>The inodes of the mount namespaces followed now.</summary>
    public IReadOnlyCollection<ulong> Watched
    {
        get
        {
            lock (_lock)
            {
                return [.. _followed.Keys];
            }
        }
    }

    /// <summary>
    /// Opens the first mechanism that works on this kernel, or throws <see cref="MountEventsUnavailableException"/>.
    /// <paramref name="procRoot"/> is where <see cref="Watch"/> finds processes (/proc, or the host's /host/proc).
    /// </summary>
    public static MountEventSource Open(string procRoot) => Open(procRoot, only: null);

    /// <summary><see cref="Open(string)"/> restricted to one mechanism when <paramref name="only"/> is given (tests run both).</summary>
    internal static MountEventSource Open(
        string procRoot, MountEventMechanism? only, int channelCapacity = DefaultChannelCapacity, int groupBudget = DefaultGroupBudget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupBudget, 1);
        var epoll = FanotifyInterop.EpollCreate(out var errno);
        if (epoll < 0)
        {
            throw new MountEventsUnavailableException("epoll_create1", errno);
        }

        var wake = -1;
        try
        {
            wake = FanotifyInterop.EventFd(out errno);
            if (wake < 0)
            {
                throw new MountEventsUnavailableException("eventfd", errno);
            }

            if ((errno = FanotifyInterop.EpollAdd(epoll, wake, FanotifyInterop.EpollIn, WakeToken)) != 0)
            {
                throw new MountEventsUnavailableException("epoll_ctl(eventfd)", errno);
            }

            var refusals = new List<(string Step, int Errno)>();
            MountEventMechanism[] candidates = only is { } one ? [one] : [MountEventMechanism.Fanotify, MountEventMechanism.Mountinfo];
            foreach (var mechanism in candidates)
            {
                var (step, refused) = mechanism == MountEventMechanism.Fanotify ? ProbeFanotify() : ProbeMountinfo(epoll);
                if (refused == 0)
                {
                    var fallback = refusals.Count == 0 ? null : MountEventsUnavailableException.Describe(refusals);
                    return new MountEventSource(procRoot, mechanism, fallback, epoll, wake, channelCapacity, groupBudget);
                }

                refusals.Add((step, refused));
            }

            throw new MountEventsUnavailableException(refusals);
        }
        catch
        {
            NsIoctl.Close(wake);
            NsIoctl.Close(epoll);
            throw;
        }
    }

    /// <summary>
    /// Starts following mount namespace <paramref name="inode"/>, reached through process <paramref name="pid"/>.
    /// Idempotent. The namespace is read from the same /proc/&lt;pid&gt; directory as everything opened for it, and
    /// must be <paramref name="inode"/> (pids are reused). Call it before reading the namespace's table, so no change
    /// falls between. Returns false with a one-line <paramref name="error"/> when it cannot; never throws.
    /// </summary>
    public bool Watch(ulong inode, int pid, out string? error)
    {
        error = null;
        lock (_lock)
        {
            if (_disposed)
            {
                error = "the mount event source is disposed";
                return false;
            }

            if (_followed.ContainsKey(inode))
            {
                return true;
            }

            // Opened once: the directory stands for this process, so a reused pid fails the openat calls below.
            var directory = FanotifyInterop.OpenDirectory(ProcessDirectory(pid), out var errno);
            if (directory < 0)
            {
                error = $"process {pid}: {MountEventsUnavailableException.Explain(errno)}";
                return false;
            }

            try
            {
                var ns = OpenNamespace(directory, pid, inode, out error);
                if (ns < 0)
                {
                    return false;
                }

                try
                {
                    return Kind == MountEventMechanism.Fanotify
                        ? FollowWithGroup(inode, pid, ns, out error)
                        : FollowWithMountinfo(inode, pid, directory, out error);
                }
                finally
                {
                    NsIoctl.Close(ns);
                }
            }
            finally
            {
                NsIoctl.Close(directory);
            }
        }
    }

    /// <summary>
    /// Stops following <paramref name="inode"/> and releases what was held for it before returning: its mountinfo
    /// file, or its fanotify group. In a shared group the mark is removed through the process it was reached by;
    /// when that process is gone the mark stays until the namespace dies, which it does not delay.
    /// </summary>
    public void Unwatch(ulong inode)
    {
        lock (_lock)
        {
            if (!_followed.Remove(inode, out var followed))
            {
                return;
            }

            var listener = followed.Listener;
            listener.Members.Remove(inode);
            if (listener.Members.Count == 0)
            {
                Drop(listener);
            }
            else
            {
                RemoveMark(inode, followed.Pid, listener.Fd);
            }
        }
    }

    /// <summary>Stops the thread and closes every fd; the channel completes once what it holds has been read.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            FanotifyInterop.Signal(_wake);
        }

        // Nothing below runs until the loop has stopped touching the fds.
        _thread.Join();
        foreach (var listener in _listeners.Values)
        {
            NsIoctl.Close(listener.Fd);
        }

        _listeners.Clear();
        _followed.Clear();
        NsIoctl.Close(_wake);
        NsIoctl.Close(_epoll);
    }

    private string ProcessDirectory(int pid) => Path.Join(_procRoot, pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>The process's ns/mnt, when it is mount namespace <paramref name="inode"/>; else -1 and why.</summary>
    private static int OpenNamespace(int directory, int pid, ulong inode, out string? error)
    {
        var ns = FanotifyInterop.OpenAt(directory, "ns/mnt", out var errno);
        if (ns < 0)
        {
            error = $"process {pid}: ns/mnt: {MountEventsUnavailableException.Explain(errno)}";
            return -1;
        }

        var key = NsIoctl.KeyOf(ns);
        if (key is { Type: NamespaceType.Mnt } && key.Value.Inode == inode)
        {
            error = null;
            return ns;
        }

        NsIoctl.Close(ns);
        error = $"process {pid} is in mount namespace {key?.Inode.ToString(CultureInfo.InvariantCulture) ?? "?"}, not {inode} (its pid was reused?)";
        return -1;
    }

    private bool FollowWithGroup(ulong inode, int pid, int ns, out string? error)
    {
        var group = PickGroup(out error);
        if (group is null)
        {
            return false;
        }

        var errno = FanotifyInterop.MarkMountNamespace(group.Fd, ns, add: true);
        if (errno != 0)
        {
            if (group.Members.Count == 0)
            {
                Drop(group);
            }

            error = $"fanotify_mark(FAN_MARK_MNTNS) of {inode}: {MountEventsUnavailableException.Explain(errno)}";
            return false;
        }

        Follow(inode, pid, group);
        return true;
    }

    /// <summary>A new group while the budget allows and the kernel agrees, else the least crowded one.</summary>
    private Listener? PickGroup(out string? error)
    {
        error = null;
        if (_listeners.Count < _groupBudget)
        {
            var fd = FanotifyInterop.FanotifyInitMount(out var errno);
            if (fd >= 0)
            {
                return Register(fd, FanotifyInterop.EpollIn, isGroup: true, out error);
            }

            // Out of groups (other programs hold some): sharing still tells, only less precisely.
            if (errno is not (FanotifyInterop.Emfile or FanotifyInterop.Enomem) || _listeners.Count == 0)
            {
                error = $"fanotify_init: {MountEventsUnavailableException.Explain(errno)}";
                return null;
            }
        }

        return _listeners.Values.MinBy(l => l.Members.Count);
    }

    private bool FollowWithMountinfo(ulong inode, int pid, int directory, out string? error)
    {
        var fd = FanotifyInterop.OpenAt(directory, "mountinfo", out var errno);
        if (fd < 0)
        {
            error = $"process {pid}: mountinfo: {MountEventsUnavailableException.Explain(errno)}";
            return false;
        }

        // Only POLLPRI (with POLLERR, always reported): mountinfo is always readable.
        if (Register(fd, FanotifyInterop.EpollPri, isGroup: false, out error) is not { } listener)
        {
            return false;
        }

        Follow(inode, pid, listener);
        return true;
    }

    /// <summary>Adds the fd to the epoll set under a new token; closes it and says why when that fails.</summary>
    private Listener? Register(int fd, uint events, bool isGroup, out string? error)
    {
        var token = _nextToken++;
        var errno = FanotifyInterop.EpollAdd(_epoll, fd, events, token);
        if (errno != 0)
        {
            NsIoctl.Close(fd);
            error = $"epoll_ctl: {MountEventsUnavailableException.Explain(errno)}";
            return null;
        }

        error = null;
        var listener = new Listener(fd, token, isGroup);
        _listeners.Add(token, listener);
        return listener;
    }

    private void Follow(ulong inode, int pid, Listener listener)
    {
        listener.Members.Add(inode);
        _followed.Add(inode, new Followed(pid, listener));
    }

    private void Drop(Listener listener)
    {
        _ = FanotifyInterop.EpollRemove(_epoll, listener.Fd);
        NsIoctl.Close(listener.Fd);
        _listeners.Remove(listener.Token);
    }

    /// <summary>Best effort: removing a mark needs the namespace, here through the process it was watched by.</summary>
    private void RemoveMark(ulong inode, int pid, int group)
    {
        var directory = FanotifyInterop.OpenDirectory(ProcessDirectory(pid), out _);
        if (directory < 0)
        {
            return;
        }

        var ns = OpenNamespace(directory, pid, inode, out _);
        NsIoctl.Close(directory);
        if (ns >= 0)
        {
            _ = FanotifyInterop.MarkMountNamespace(group, ns, add: false);
            NsIoctl.Close(ns);
        }
    }

    private void Loop()
    {
        var ready = new byte[64 * FanotifyInterop.EpollEventSize];
        var buffer = new byte[64 * 1024];
        var changed = new HashSet<ulong>();
        var lost = false;
        try
        {
            while (true)
            {
                var count = FanotifyInterop.EpollWait(_epoll, ready, out var errno);
                if (count < 0)
                {
                    if (errno == FanotifyInterop.Eintr)
                    {
                        continue;
                    }

                    _events.Writer.TryComplete(new MountEventsUnavailableException("epoll_wait", errno));
                    return;
                }

                lock (_lock)
                {
                    if (_disposed)
                    {
                        return;
                    }

                    for (var i = 0; i < count; i++)
                    {
                        var token = FanotifyInterop.TokenAt(ready, i);
                        if (token == WakeToken)
                        {
                            _ = FanotifyInterop.Read(_wake, buffer.AsSpan(0, sizeof(ulong)), out _);
                        }
                        // A token no longer listed was unwatched after the wait returned; its fd is closed already.
                        else if (_listeners.TryGetValue(token, out var listener) && (!listener.IsGroup || Drain(listener.Fd, buffer)))
                        {
                            changed.UnionWith(listener.Members);
                        }
                    }
                }

                if (lost)
                {
                    lost = !_events.Writer.TryWrite(MountEventsLost.Instance);
                }

                foreach (var inode in changed)
                {
                    // A full channel drops the event; the marker goes out as soon as there is room.
                    lost = lost || !_events.Writer.TryWrite(new MountTableChanged(inode));
                }

                changed.Clear();
                if (lost)
                {
                    WakeWhenThereIsRoom();
                }
            }
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    /// <summary>Reads what the group has queued; true when any of it is a mount change or an overflow.</summary>
    private static bool Drain(int group, byte[] buffer)
    {
        var changed = false;
        for (var i = 0; i < ReadsPerWakeUp; i++)
        {
            var length = FanotifyInterop.Read(group, buffer, out var errno);
            if (length <= 0)
            {
                // EAGAIN: all read. Anything else cannot say what happened, so it counts as a change.
                return changed || (length < 0 && errno != FanotifyInterop.Eagain);
            }

            var records = FanotifyRecords.Parse(buffer.AsSpan(0, length));
            // Records this code cannot read are still news of the group's namespaces.
            changed |= records.Count == 0;
            foreach (var record in records)
            {
                NsIoctl.Close(record.Fd);
                // An overflow lost events of this group's namespaces only, so reporting each of them covers it.
                changed |= record.IsMountChange || record.IsOverflow;
            }
        }

        return changed;
    }

    /// <summary>Nudges the loop once a full channel has room again, so a lost-events marker is not held back until the next mount.</summary>
    private void WakeWhenThereIsRoom() =>
        _ = _events.Writer.WaitToWriteAsync().AsTask().ContinueWith(
            _ =>
            {
                lock (_lock)
                {
                    // The eventfd is closed only after _disposed is set.
                    if (!_disposed)
                    {
                        FanotifyInterop.Signal(_wake);
                    }
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Whether a mount group can be made and can mark a namespace: the step that failed and its errno, or 0.</summary>
    private static (string Step, int Errno) ProbeFanotify()
    {
        var group = FanotifyInterop.FanotifyInitMount(out var errno);
        if (group < 0)
        {
            return ("fanotify_init(FAN_REPORT_MNT)", errno);
        }

        // Marking our own namespace proves the mark kind is known and allowed; the probe group goes with the mark.
        var ns = NsIoctl.Open("/proc/self/ns/mnt", out errno);
        if (ns >= 0)
        {
            errno = FanotifyInterop.MarkMountNamespace(group, ns, add: true);
            NsIoctl.Close(ns);
        }

        NsIoctl.Close(group);
        return ("fanotify_mark(FAN_MARK_MNTNS)", errno);
    }

    /// <summary>Whether epoll takes a mountinfo file for POLLPRI (any kernel does; /proc might be missing).</summary>
    private static (string Step, int Errno) ProbeMountinfo(int epoll)
    {
        var fd = NsIoctl.Open("/proc/self/mountinfo", out var errno);
        if (fd < 0)
        {
            return ("open(/proc/self/mountinfo)", errno);
        }

        errno = FanotifyInterop.EpollAdd(epoll, fd, FanotifyInterop.EpollPri, ulong.MaxValue);
        if (errno == 0)
        {
            _ = FanotifyInterop.EpollRemove(epoll, fd);
        }

        NsIoctl.Close(fd);
        return ("epoll_ctl(mountinfo)", errno);
    }

    /// <summary>A fanotify group (of one or more namespaces) or one namespace's mountinfo, as registered with epoll.</summary>
    private sealed class Listener(int fd, ulong token, bool isGroup)
    {
        public int Fd { get; } = fd;

        public ulong Token { get; } = token;

        public bool IsGroup { get; } = isGroup;

        public List<ulong> Members { get; } = [];
    }

    private sealed record Followed(int Pid, Listener Listener);
}
