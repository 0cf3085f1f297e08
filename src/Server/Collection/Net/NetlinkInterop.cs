using System.Runtime.InteropServices;

namespace Dashboard.Server.Collection.Net;

/// <summary>The libc calls the netns reader needs beyond <see cref="Proc.NsIoctl"/>'s open/close.</summary>
internal static unsafe partial class NetlinkInterop
{
    public const int CloneNewNet = 0x40000000;
    public const int Eintr = 4;

    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloExec = 0x80000;
    public const int NetlinkRoute = 0;
    public const int NetlinkConnector = 11;
    public const int Eagain = 11;
    private const int SolSocket = 1;
    private const int SoRcvTimeo = 20;
    private const int SoRcvBufForce = 33;
    private const int SoNetnsCookie = 71;
    private const int MsgTrunc = 0x20;
    private const int MsgDontWait = 0x40;
    public const int Enobufs = 105;
    private const uint SiocGSkNs = 0x894C;

    /// <summary>Switches the calling thread's network namespace. Returns 0, or the errno.</summary>
    public static int SetNetns(int fd) => setns(fd, CloneNewNet) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>A netlink socket of the protocol in the calling thread's network namespace, or -1 with the errno.</summary>
    public static int OpenNetlinkSocket(int protocol, out int errno)
    {
        var fd = socket(AfNetlink, SockRaw | SockCloExec, protocol);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>Bounds every recv, so a socket the kernel never answers cannot hang a scan.</summary>
    public static int SetReceiveTimeout(int fd, TimeSpan timeout)
    {
        // struct timeval is two longs: native-sized on the Linux ABIs .NET runs on.
        var value = stackalloc nint[2];
        value[0] = (nint)timeout.TotalSeconds;
        value[1] = (nint)(timeout.TotalMicroseconds % 1_000_000);
        return setsockopt(fd, SolSocket, SoRcvTimeo, value, (uint)(2 * sizeof(nint))) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Joins the multicast groups in <paramref name="groups"/> (a bit mask, as in sockaddr_nl). Returns 0, or the errno.</summary>
    public static int Bind(int fd, uint groups)
    {
        // struct sockaddr_nl: u16 family, u16 pad, u32 pid (0: the kernel picks), u32 groups.
        var address = stackalloc uint[3];
        address[0] = AfNetlink;
        address[1] = 0;
        address[2] = groups;
        return bind(fd, address, 12) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>SO_RCVBUFFORCE (CAP_NET_ADMIN): a receive buffer beyond rmem_max, for event bursts. Returns 0, or the errno.</summary>
    public static int SetReceiveBuffer(int fd, int bytes) =>
        setsockopt(fd, SolSocket, SoRcvBufForce, &bytes, sizeof(int)) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>
    /// SO_NETNS_COOKIE (Linux 5.14+): the 64-bit cookie of the network namespace the socket was created in, which the
    /// kernel never gives to another namespace while it runs, unlike the nsfs inode. Returns 0, or the errno
    /// (ENOPROTOOPT on older kernels).
    /// </summary>
    public static int GetNetnsCookie(int fd, out ulong cookie)
    {
        ulong value = 0;
        var length = (uint)sizeof(ulong);
        var result = getsockopt(fd, SolSocket, SoNetnsCookie, &value, &length);
        cookie = value;
        return result == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Sends one whole message; returns 0 or the errno.</summary>
    public static int Send(int fd, ReadOnlySpan<byte> message)
    {
        fixed (byte* p = message)
        {
            while (true)
            {
                var sent = send(fd, p, (nuint)message.Length, 0);
                if (sent == message.Length)
                {
                    return 0;
                }

                var errno = sent < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (errno != Eintr)
                {
                    // Netlink sends a datagram whole or not at all; a short count would be a kernel bug.
                    return errno == 0 ? 5 /* EIO */ : errno;
                }
            }
        }
    }

    /// <summary>
    /// Receives one datagram. Returns its real length (MSG_TRUNC: larger than the buffer when it did not fit),
    /// or -1 with the errno.
    /// </summary>
    public static int Receive(int fd, Span<byte> buffer, out int errno)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var received = recv(fd, p, (nuint)buffer.Length, MsgTrunc);
                errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (received >= 0 || errno != Eintr)
                {
                    return (int)received;
                }
            }
        }
    }

    /// <summary>
    /// Receives one datagram without waiting: its real length, or -1 with the errno (EAGAIN: nothing queued; ENOBUFS:
    /// the socket's queue overflowed and notifications were dropped).
    /// </summary>
    public static int ReceiveNow(int fd, Span<byte> buffer, out int errno)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var received = recv(fd, p, (nuint)buffer.Length, MsgTrunc | MsgDontWait);
                errno = received < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (received >= 0 || errno != Eintr)
                {
                    return (int)received;
                }
            }
        }
    }

    /// <summary>
    /// SIOCGSKNS: a new descriptor of the network namespace the socket belongs to, or -1 with the errno. The caller
    /// closes it (it holds the namespace while open).
    /// </summary>
    public static int SocketNamespace(int socket, out int errno)
    {
        var fd = ioctl(socket, SiocGSkNs, 0);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, nint argument);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    private static partial int bind(int fd, void* address, uint length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int name, void* value, uint* length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint recv(int fd, byte* buffer, nuint length, int flags);
}
