using System.Buffers;
using System.Runtime.InteropServices;
using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Net;

/// <summary>
/// Reads one network namespace's links, addresses and default routes over rtnetlink, given any path that opens the
/// namespace (<c>/proc/&lt;pid&gt;/ns/net</c>, an <c>ip netns</c> bind mount). Only the socket's creation happens inside
/// the namespace, on <see cref="NetnsSwitchThread"/>; a netlink socket answers for the namespace it was created in,
/// so the dumps then run on the caller's thread. Thread-safe: each read has its own socket and buffer.
/// </summary>
internal sealed class NetnsReader
{
    // The kernel fills dump buffers up to 32 KiB (more with big attributes); twice that never truncates in practice,
    // and MSG_TRUNC tells us if it ever does.
    private const int BufferSize = 64 * 1024;
    // NLM_F_DUMP_INTR means the table changed mid-dump; a few retries get a consistent view on a busy host.
    private const int MaxDumpAttempts = 3;
    // An RTM_NEWNSID reply is 28 bytes, an error with the echoed request 48.
    private const int NetnsIdBufferSize = 512;
    private static readonly TimeSpan s_receiveTimeout = TimeSpan.FromSeconds(5);

    private int _sequence;

    /// <summary>
    /// The namespace's state, or null with a one-line reason (the namespace is gone, not a network namespace,
    /// not permitted, the kernel refused a dump). Throws only when a thread could not be switched back, which
    /// would be a kernel or permission anomaly worth surfacing.
    /// </summary>
    public NetnsSnapshot? TryRead(string namespacePath, out string? error)
    {
        // Both sockets in one visit to the namespace: the route one for links, addresses and routes, the sock_diag one
        // for the listening sockets.
        var sockets = NetnsSwitchThread.OpenSocketsIn(namespacePath, [NetlinkInterop.NetlinkRoute, SockDiag.NetlinkSockDiag], out error);
        var (socket, diag) = (sockets[0], sockets[1]);
        if (socket < 0)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            if (NetlinkInterop.SetReceiveTimeout(socket, s_receiveTimeout) is var timeoutErrno and not 0)
            {
                error = $"setsockopt SO_RCVTIMEO: {Marshal.GetPInvokeErrorMessage(timeoutErrno)}";
                return null;
            }

            // A socket stays in the namespace it was created in, so its cookie can be asked here, off the switch thread.
            ulong? cookie = NetlinkInterop.GetNetnsCookie(socket, out var value) == 0 ? value : null;
            var interfaces = new List<NetInterface>();
            var addresses = new List<NetAddress>();
            var routes = new List<NetRoute>();
            error = Dump(socket, RtnetlinkParsers.GetLink, LinkRequestBody(), RtnetlinkParsers.NewLink, RtnetlinkParsers.ParseLink, interfaces, buffer)
                ?? Dump(socket, RtnetlinkParsers.GetAddress, new byte[RtnetlinkParsers.IfAddrSize], RtnetlinkParsers.NewAddress, RtnetlinkParsers.ParseAddress, addresses, buffer)
                ?? Dump(socket, RtnetlinkParsers.GetRoute, new byte[RtnetlinkParsers.RtMsgSize], RtnetlinkParsers.NewRoute, RtnetlinkParsers.ParseDefaultRoute, routes, buffer);
            return error is null
                ? new NetnsSnapshot
                {
                    Interfaces = interfaces,
                    Addresses = addresses,
                    DefaultRoutes = routes,
                    Cookie = cookie,
                    ListeningSockets = diag < 0 ? null : ListeningSockets(diag, buffer),
                }
                : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            NsIoctl.Close(socket);
            NsIoctl.Close(diag);
        }
    }

    /// <summary>
    /// TCP listeners and unconnected UDP sockets over sock_diag; null when the kernel cannot say (no inet_diag), so
    /// that the caller falls back to <c>/proc/&lt;pid&gt;/net</c>.
    /// </summary>
    private List<ListeningSocket>? ListeningSockets(int diag, byte[] buffer)
    {
        if (NetlinkInterop.SetReceiveTimeout(diag, s_receiveTimeout) != 0)
        {
            return null;
        }

        var result = new List<ListeningSocket>();
        var one = new List<ListeningSocket>();
        foreach (var (protocol, body) in SockDiag.ListeningRequests)
        {
            // Refused (no inet_diag in this kernel, IPv6 off): the caller reads /proc instead, which knows the same.
            if (Dump(diag, SockDiag.ByFamily, body, SockDiag.ByFamily, payload => SockDiag.ParseListening(payload, protocol), one, buffer) is not null)
            {
                return null;
            }

            result.AddRange(one);
        }

        return result;
    }

    /// <summary>
    /// The ids that the namespace at <paramref name="reportingPath"/> gives to each candidate (RTM_GETNSID, asked on a
    /// socket of that namespace): inode → id, for the candidates that have one. A candidate none of whose paths still
    /// opens that very namespace is left out. Null with the reason when the reporting namespace cannot be asked.
    /// </summary>
    public IReadOnlyDictionary<ulong, int>? TryQueryNetnsIds(string reportingPath, IReadOnlyList<NetnsCandidate> candidates, out string? error)
    {
        var socket = NetnsSwitchThread.OpenSocketIn(reportingPath, out error);
        if (socket < 0)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(NetnsIdBufferSize);
        try
        {
            if (NetlinkInterop.SetReceiveTimeout(socket, s_receiveTimeout) is var timeoutErrno and not 0)
            {
                error = $"setsockopt SO_RCVTIMEO: {Marshal.GetPInvokeErrorMessage(timeoutErrno)}";
                return null;
            }

            var ids = new Dictionary<ulong, int>();
            foreach (var candidate in candidates)
            {
                var fd = OpenVerified(candidate);
                if (fd < 0)
                {
                    continue;
                }

                try
                {
                    var sendErrno = NetlinkInterop.Send(socket, NetnsIdMessages.Request(fd, (uint)Interlocked.Increment(ref _sequence)));
                    if (sendErrno != 0)
                    {
                        error = $"send RTM_GETNSID: {Marshal.GetPInvokeErrorMessage(sendErrno)}";
                        return null;
                    }

                    var length = NetlinkInterop.Receive(socket, buffer.AsSpan(0, NetnsIdBufferSize), out var errno);
                    if (length < 0)
                    {
                        error = $"recv RTM_NEWNSID: {Marshal.GetPInvokeErrorMessage(errno)}";
                        return null;
                    }

                    var answer = NetnsIdMessages.ParseReply(buffer.AsSpan(0, Math.Min(length, NetnsIdBufferSize)));
                    if (answer.NetnsId is { } id)
                    {
                        ids[candidate.Inode] = id;
                    }
                }
                finally
                {
                    NsIoctl.Close(fd);
                }
            }

            return ids;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            NsIoctl.Close(socket);
        }
    }

    private static int OpenVerified(NetnsCandidate candidate)
    {
        var key = new NamespaceKey(Shared.Contracts.NamespaceType.Net, candidate.Inode);
        foreach (var path in candidate.OpenPaths)
        {
            var fd = NsIoctl.Open(path, out _);
            if (fd < 0)
            {
                continue;
            }

            // PIDs and fd numbers are reused: the path may lead somewhere else by now.
            if (NsIoctl.KeyOf(fd) == key)
            {
                return fd;
            }

            NsIoctl.Close(fd);
        }

        return -1;
    }

    /// <summary>Runs one dump to NLMSG_DONE into <paramref name="into"/>; null on success, else the reason.</summary>
    private string? Dump<T>(
        int socket,
        ushort requestType,
        byte[] body,
        ushort replyType,
        RtnetlinkParsers.PayloadParser<T> parse,
        List<T> into,
        byte[] buffer)
        where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            into.Clear();
            var sendErrno = NetlinkInterop.Send(socket, Request(requestType, body, (uint)Interlocked.Increment(ref _sequence)));
            if (sendErrno != 0)
            {
                return $"send dump request {requestType}: {Marshal.GetPInvokeErrorMessage(sendErrno)}";
            }

            var interrupted = false;
            while (true)
            {
                var length = NetlinkInterop.Receive(socket, buffer.AsSpan(0, BufferSize), out var errno);
                if (length < 0)
                {
                    return $"recv dump {requestType}: {Marshal.GetPInvokeErrorMessage(errno)}";
                }

                if (length == 0)
                {
                    return $"recv dump {requestType}: empty datagram";
                }

                if (length > BufferSize)
                {
                    return $"recv dump {requestType}: a {length}-byte message did not fit the buffer";
                }

                var progress = RtnetlinkParsers.Collect(buffer.AsSpan(0, length), replyType, parse, into);
                interrupted |= progress.Interrupted;
                switch (progress.End)
                {
                    case DumpEnd.More:
                        continue;
                    case DumpEnd.Error:
                        return $"dump {requestType}: {Marshal.GetPInvokeErrorMessage(progress.Errno)}";
                    case DumpEnd.Malformed:
                        return $"dump {requestType}: malformed reply";
                }

                break;
            }

            if (!interrupted || attempt == MaxDumpAttempts)
            {
                return null;
            }
        }
    }

    /// <summary>A dump request: NLM_F_REQUEST | NLM_F_DUMP, the caller's sequence number, port id 0 (the kernel's).</summary>
    internal static byte[] Request(ushort type, byte[] body, uint sequence)
    {
        var message = new byte[Netlink.HeaderSize + body.Length];
        MemoryMarshal.Write(message, (uint)message.Length);
        MemoryMarshal.Write(message.AsSpan(4), type);
        MemoryMarshal.Write(message.AsSpan(6), (ushort)(Netlink.FlagRequest | Netlink.FlagDump));
        MemoryMarshal.Write(message.AsSpan(8), sequence);
        body.CopyTo(message.AsSpan(Netlink.HeaderSize));
        return message;
    }

    /// <summary>An all-zero ifinfomsg plus IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS: the counters are most of each message.</summary>
    private static byte[] LinkRequestBody()
    {
        const ushort iflaExtMask = 29;
        const uint rtextFilterSkipStats = 1 << 3;
        var body = new byte[RtnetlinkParsers.IfInfoSize + 8];
        MemoryMarshal.Write(body.AsSpan(RtnetlinkParsers.IfInfoSize), (ushort)8);
        MemoryMarshal.Write(body.AsSpan(RtnetlinkParsers.IfInfoSize + 2), iflaExtMask);
        MemoryMarshal.Write(body.AsSpan(RtnetlinkParsers.IfInfoSize + 4), rtextFilterSkipStats);
        return body;
    }

}

/// <summary>A network namespace that may be the one a netnsid stands for, with the paths that opened it in the scan.</summary>
internal sealed record NetnsCandidate(ulong Inode, IReadOnlyList<string> OpenPaths);
