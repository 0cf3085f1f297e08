using System.Runtime.InteropServices;
using System.Threading.Channels;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;

namespace Dashboard.Server.Collection.Events;

/// <summary>
/// The proc connector could not be opened, so process changes have to be found by polling /proc.
/// <see cref="Errno"/> is what the kernel said; <see cref="Reason"/> says it in words for the status page.
/// </summary>
internal sealed class ProcEventsUnavailableException(string step, int errno)
    : Exception($"process events unavailable: {step} failed with errno {errno} ({Explain(errno)})")
{
    public int Errno { get; } = errno;

    public string Reason { get; } = $"{step}: {Explain(errno)}";

    private static string Explain(int errno) => errno switch
    {
        1 => "EPERM, joining the proc connector needs CAP_NET_ADMIN",
        93 => "EPROTONOSUPPORT, the kernel has no connector (CONFIG_CONNECTOR)",
        // The kernel's end of the connector lives only in the initial network namespace.
        111 => "ECONNREFUSED, no proc connector in this network namespace (only the initial one has it)",
        13 => "EACCES, refused by the kernel or a security module",
        _ => new System.ComponentModel.Win32Exception(errno).Message,
    };
}

/// <summary>
/// Fork, exec and exit events of every process, from the kernel's proc connector. A dedicated thread receives
/// into a bounded channel; when the kernel's socket buffer or the channel overflows, a <see cref="ProcEventsLost"/>
/// takes the place of what was dropped. Dispose stops listening and closes the socket.
/// </summary>
internal sealed partial class ProcEventSource : IDisposable
{
    // A fork-heavy burst (a build, a container start) sends thousands of 40-byte events in milliseconds.
    private const int SocketBufferBytes = 4 * 1024 * 1024;
    public const int DefaultChannelCapacity = 64 * 1024;
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(200);

    private readonly int _fd;
    private readonly Channel<ProcEvent> _events;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _disposed;

    private ProcEventSource(int fd, int channelCapacity)
    {
        _fd = fd;
        _events = Channel.CreateBounded<ProcEvent>(
            new BoundedChannelOptions(channelCapacity) { SingleWriter = true, SingleReader = true });
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = "proc connector" };
        _thread.Start();
    }

    /// <summary>The events as they come; completes when the source is disposed.</summary>
    public ChannelReader<ProcEvent> Events => _events.Reader;

    /// <summary>Opens, joins CN_IDX_PROC and asks for events, or throws <see cref="ProcEventsUnavailableException"/>.</summary>
    /// <param name="initialNetns">
    /// A path to the host's initial network namespace (e.g. <c>/proc/2/ns/net</c>) when this process runs in another
    /// one, as a container with the host's pids does: only there does the kernel's end of the connector answer. The
    /// socket is then made inside it (which needs CAP_SYS_ADMIN); the initial namespace lives as long as the host.
    /// </param>
    public static ProcEventSource Open(int channelCapacity = DefaultChannelCapacity, string? initialNetns = null)
    {
        int fd;
        var errno = 0;
        if (initialNetns is null)
        {
            // SOCK_RAW from the shared helper: netlink treats SOCK_RAW and SOCK_DGRAM alike.
            fd = NetlinkInterop.OpenNetlinkSocket(NetlinkInterop.NetlinkConnector, out errno);
        }
        else
        {
            fd = NetnsSwitchThread.OpenSocketsIn(initialNetns, [NetlinkInterop.NetlinkConnector], out var error)[0];
            if (fd < 0)
            {
                throw new ProcEventsUnavailableException($"socket(NETLINK_CONNECTOR) in {initialNetns}: {error}", NsIoctl.Eperm);
            }
        }

        if (fd < 0)
        {
            throw new ProcEventsUnavailableException("socket(NETLINK_CONNECTOR)", errno);
        }

        try
        {
            // Best effort: without CAP_NET_ADMIN the default buffer stays, and overruns are reported as they come.
            _ = NetlinkInterop.SetReceiveBuffer(fd, SocketBufferBytes);
            Check(NetlinkInterop.SetReceiveTimeout(fd, s_pollInterval), "setsockopt(SO_RCVTIMEO)");
            Check(NetlinkInterop.Bind(fd, ProcConnectorMessages.IdxProc), "bind(CN_IDX_PROC)");
            Check(NetlinkInterop.Send(fd, ProcConnectorMessages.McastRequest(ProcConnectorMessages.McastListen, 1)),
                "send(PROC_CN_MCAST_LISTEN)");
            return new ProcEventSource(fd, channelCapacity);
        }
        catch
        {
            NsIoctl.Close(fd);
            throw;
        }

        static void Check(int errno, string step)
        {
            if (errno != 0)
            {
                throw new ProcEventsUnavailableException(step, errno);
            }
        }
    }

    /// <summary>
    /// Whether events are waiting: queued by the kernel on the socket or received but not yet read from
    /// <see cref="Events"/>. The kernel queues a process's events as it forks, execs and exits, so a caller that sees
    /// none after a command returned knows that every event of that command has been read.
    /// </summary>
    public unsafe bool HasBacklog
    {
        get
        {
            if (_events.Reader.CanCount && _events.Reader.Count > 0)
            {
                return true;
            }

            var fd = new PollFd { Fd = _fd, Events = PollIn };
            return Volatile.Read(ref _disposed) == 0 && poll(&fd, 1, 0) > 0 && (fd.Revents & PollIn) != 0;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The receive timeout bounds the join; the fd is closed only after the thread has stopped using it.
        _stopping = true;
        _thread.Join();
        _ = NetlinkInterop.Send(_fd, ProcConnectorMessages.McastRequest(ProcConnectorMessages.McastIgnore, 2));
        NsIoctl.Close(_fd);
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[64 * 1024];
        var lost = false;
        try
        {
            while (!_stopping)
            {
                if (lost)
                {
                    lost = !_events.Writer.TryWrite(ProcEventsLost.Instance);
                }

                var received = NetlinkInterop.Receive(_fd, buffer, out var errno);
                if (received < 0)
                {
                    if (errno == Enobufs)
                    {
                        lost = true;
                    }
                    else if (errno != NetlinkInterop.Eagain)
                    {
                        _events.Writer.TryComplete(new ProcEventsUnavailableException("recv", errno));
                        return;
                    }

                    continue;
                }

                // A datagram larger than the buffer lost its tail.
                lost |= received > buffer.Length;
                foreach (var e in ProcConnectorMessages.Parse(buffer.AsSpan(0, Math.Min(received, buffer.Length))))
                {
                    if (lost)
                    {
                        lost = !_events.Writer.TryWrite(ProcEventsLost.Instance);
                    }

                    // A full channel drops the event; the marker goes out on the next write that fits.
                    lost = lost || !_events.Writer.TryWrite(e);
                }
            }
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    private const int Enobufs = 105;
    private const short PollIn = 0x1;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int poll(PollFd* fds, nuint count, int timeout);
}
