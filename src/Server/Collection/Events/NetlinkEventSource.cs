using System.Runtime.InteropServices;
using System.Threading.Channels;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Events;

/// <summary>What the rtnetlink event source says happened in a network namespace.</summary>
internal abstract record NetlinkEvent;

/// <summary>
/// Links, addresses, routes or netnsids of this network namespace (by nsfs inode) changed, or its socket's queue
/// overflowed (which lost only that namespace's notifications): read it again.
/// </summary>
internal sealed record NetnsChanged(ulong Netns) : NetlinkEvent;

/// <summary>Events were lost (the channel was full): whoever keeps state must read every network namespace again.</summary>
internal sealed record NetlinkEventsLost : NetlinkEvent
{
    public static readonly NetlinkEventsLost Instance = new();
}

/// <summary>rtnetlink notifications cannot be received here, so network namespaces have to be polled.</summary>
internal sealed class NetlinkEventsUnavailableException(string step, int errno)
    : Exception($"{step}: {Marshal.GetPInvokeErrorMessage(errno)}")
{
    public int Errno { get; } = errno;

    public string Reason => Message;
}

/// <summary>
/// rtnetlink's multicast notifications, one NETLINK_ROUTE socket per followed network namespace (created inside it
/// on <see cref="NetnsSwitchThread"/>, as a socket answers for the namespace it was made in), all in one epoll set
/// read by one thread. Any notification names its namespace as changed: the reader dumps that namespace again, so
/// nothing is parsed here and a queue overflow costs nothing but that dump.
/// A socket holds its namespace, so <see cref="Unwatch"/> closes it at once; the caller follows only namespaces whose
/// last holder announces its going (a process, whose exit the proc connector reports; a bind mount, whose removal the
/// mount events report). No nsid is ever assigned: nothing is asked of the kernel but notifications.
/// </summary>
internal sealed class NetlinkEventSource : IDisposable
{
    public const int DefaultChannelCapacity = 4096;
    public const string MechanismName = "rtnetlink notifications in each network namespace";

    // RTMGRP_LINK, RTMGRP_IPV4_IFADDR, RTMGRP_IPV4_ROUTE, RTMGRP_IPV6_IFADDR, RTMGRP_IPV6_ROUTE and RTNLGRP_NSID
    // (group 28, bit 27 of the legacy mask): what the collector reads of a namespace, and the ids veth peers go by.
    public const uint Groups = 0x1 | 0x10 | 0x40 | 0x100 | 0x400 | (1u << 27);

    private const ulong WakeToken = 0;
    // A wake-up drains at most this many datagrams per socket, so one chatty namespace cannot starve the others.
    private const int ReadsPerWakeUp = 64;

    private readonly Lock _lock = new();
    private readonly Channel<NetlinkEvent> _events;
    private readonly Thread _thread;
    private readonly int _epoll;
    private readonly int _wake;
    private readonly Dictionary<ulong, Followed> _byToken = [];
    private readonly Dictionary<ulong, Followed> _byNetns = [];
    private ulong _nextToken = 1;
    private bool _disposed;

    private NetlinkEventSource(int epoll, int wake, int channelCapacity)
    {
        (_epoll, _wake) = (epoll, wake);
        _events = Channel.CreateBounded<NetlinkEvent>(new BoundedChannelOptions(channelCapacity) { SingleWriter = true, SingleReader = true });
        _thread = new Thread(Loop) { IsBackground = true, Name = "netlink events" };
        _thread.Start();
    }

    public ChannelReader<NetlinkEvent> Events => _events.Reader;

    /// <summary>The network namespaces (by inode) followed now.</summary>
    public IReadOnlyCollection<ulong> Watched
    {
        get
        {
            lock (_lock)
            {
                return [.. _byNetns.Keys];
            }
        }
    }

    /// <summary>Opens the epoll set, after proving that a route socket can join the groups here.</summary>
    public static NetlinkEventSource Open(int channelCapacity = DefaultChannelCapacity)
    {
        var probe = NetlinkInterop.OpenNetlinkSocket(NetlinkInterop.NetlinkRoute, out var errno);
        if (probe < 0)
        {
            throw new NetlinkEventsUnavailableException("socket(NETLINK_ROUTE)", errno);
        }

        errno = NetlinkInterop.Bind(probe, Groups);
        NsIoctl.Close(probe);
        if (errno != 0)
        {
            throw new NetlinkEventsUnavailableException("bind(rtnetlink groups)", errno);
        }

        var epoll = FanotifyInterop.EpollCreate(out errno);
        if (epoll < 0)
        {
            throw new NetlinkEventsUnavailableException("epoll_create1", errno);
        }

        var wake = FanotifyInterop.EventFd(out errno);
        if (wake < 0 || (errno = FanotifyInterop.EpollAdd(epoll, wake, FanotifyInterop.EpollIn, WakeToken)) != 0)
        {
            NsIoctl.Close(wake);
            NsIoctl.Close(epoll);
            throw new NetlinkEventsUnavailableException(wake < 0 ? "eventfd" : "epoll_ctl(eventfd)", errno);
        }

        return new NetlinkEventSource(epoll, wake, channelCapacity);
    }

    /// <summary>
    /// Follows network namespace <paramref name="inode"/> through the first of <paramref name="paths"/> that still opens
    /// it; true when followed (or already), false with the reason when none did.
    /// </summary>
    public bool Watch(ulong inode, IReadOnlyList<string> paths, out string? error)
    {
        var key = new NamespaceKey(NamespaceType.Net, inode);
        error = "no path opens it";
        lock (_lock)
        {
            if (_disposed || _byNetns.ContainsKey(inode))
            {
                error = _disposed ? "the source is closed" : null;
                return !_disposed;
            }
        }

        foreach (var path in paths)
        {
            if (NsIoctl.Identify(path) != key)
            {
                continue;
            }

            var socket = NetnsSwitchThread.OpenSocketIn(path, out error);
            if (socket < 0)
            {
                continue;
            }

            // The path may have led elsewhere by the time the socket was made (a PID reused): ask the socket itself.
            if (NamespaceOf(socket) != key)
            {
                NsIoctl.Close(socket);
                error = $"{path} no longer opens network namespace {inode}";
                continue;
            }

            if (NetlinkInterop.Bind(socket, Groups) is var errno and not 0)
            {
                NsIoctl.Close(socket);
                error = $"bind(rtnetlink groups) in {inode}: {Marshal.GetPInvokeErrorMessage(errno)}";
                return false;
            }

            lock (_lock)
            {
                if (_disposed || _byNetns.ContainsKey(inode))
                {
                    // Closed meanwhile, or followed by a concurrent call: this socket is not needed.
                    NsIoctl.Close(socket);
                    error = _disposed ? "the source is closed" : null;
                    return !_disposed;
                }

                var token = _nextToken++;
                if (FanotifyInterop.EpollAdd(_epoll, socket, FanotifyInterop.EpollIn | FanotifyInterop.EpollErr, token) is var epollErrno and not 0)
                {
                    NsIoctl.Close(socket);
                    error = $"epoll_ctl: {Marshal.GetPInvokeErrorMessage(epollErrno)}";
                    return false;
                }

                var watch = new Followed(inode, socket, token);
                _byToken.Add(token, watch);
                _byNetns.Add(inode, watch);
                error = null;
                return true;
            }
        }

        return false;
    }

    /// <summary>Stops following the namespace and closes its socket before returning, so that nothing here holds it.</summary>
    public void Unwatch(ulong inode)
    {
        lock (_lock)
        {
            if (!_byNetns.Remove(inode, out var watch))
            {
                return;
            }

            _byToken.Remove(watch.Token);
            // Closing the last reference takes the socket out of the epoll set; removing first keeps that explicit.
            _ = FanotifyInterop.EpollRemove(_epoll, watch.Socket);
            NsIoctl.Close(watch.Socket);
        }
    }

    /// <summary>Stops the thread and closes every socket; the channel completes once what it holds has been read.</summary>
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

        _thread.Join();
        foreach (var watch in _byNetns.Values)
        {
            NsIoctl.Close(watch.Socket);
        }

        _byNetns.Clear();
        _byToken.Clear();
        NsIoctl.Close(_wake);
        NsIoctl.Close(_epoll);
    }

    private static NamespaceKey? NamespaceOf(int socket)
    {
        var ns = NetlinkInterop.SocketNamespace(socket, out _);
        if (ns < 0)
        {
            return null;
        }

        var key = NsIoctl.KeyOf(ns);
        NsIoctl.Close(ns);
        return key;
    }

    private void Loop()
    {
        var ready = new byte[64 * FanotifyInterop.EpollEventSize];
        var buffer = new byte[16 * 1024];
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

                    _events.Writer.TryComplete(new NetlinkEventsUnavailableException("epoll_wait", errno));
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
                        // A token no longer listed was unwatched after the wait returned; its socket is closed already.
                        else if (_byToken.TryGetValue(token, out var watch) && Drain(watch.Socket, buffer))
                        {
                            changed.Add(watch.Netns);
                        }
                    }
                }

                if (lost)
                {
                    lost = !_events.Writer.TryWrite(NetlinkEventsLost.Instance);
                }

                foreach (var netns in changed)
                {
                    // A full channel drops the event; the marker goes out as soon as there is room.
                    lost = !_events.Writer.TryWrite(new NetnsChanged(netns)) || lost;
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

    /// <summary>Reads what the socket has queued; true when there was anything (a notification, or news that some were dropped).</summary>
    private static bool Drain(int socket, byte[] buffer)
    {
        var any = false;
        for (var i = 0; i < ReadsPerWakeUp; i++)
        {
            var length = NetlinkInterop.ReceiveNow(socket, buffer, out var errno);
            if (length < 0 && errno == NetlinkInterop.Eagain)
            {
                return any;
            }

            // A datagram (even one larger than the buffer), ENOBUFS (the queue overflowed), or an error that cannot
            // say what happened: each means the namespace is to be read again.
            any = true;
            if (length < 0 && errno != NetlinkInterop.Enobufs)
            {
                break;
            }
        }

        return any;
    }

    private void WakeWhenThereIsRoom() =>
        _ = _events.Writer.WaitToWriteAsync().AsTask().ContinueWith(
            _ =>
            {
                lock (_lock)
                {
                    if (!_disposed)
                    {
                        FanotifyInterop.Signal(_wake);
                    }
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private sealed record Followed(ulong Netns, int Socket, ulong Token);
}
