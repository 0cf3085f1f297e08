using System.Runtime.InteropServices;

namespace Dashboard.Server.Collection.Net;

/// <summary>The kernel's answer to one RTM_GETNSID: the id, none assigned, or a refusal.</summary>
internal readonly record struct NetnsIdAnswer(int? NetnsId, int Errno = 0, bool Malformed = false)
{
    public bool Ok => Errno == 0 && !Malformed;
}

/// <summary>
/// RTM_GETNSID with NETNSA_FD (linux/net_namespace.h): "which id does the namespace behind this fd have in the
/// namespace of the socket I send on?" The kernel answers RTM_NEWNSID with NETNSA_NSID, -1 when none is assigned.
/// It never assigns one on a GET, so asking changes nothing.
/// </summary>
internal static class NetnsIdMessages
{
    public const ushort NewNsid = 88;
    public const ushort GetNsid = 90;

    private const ushort NetnsaNsid = 1;
    private const ushort NetnsaFd = 3;
    private const int NsidNotAssigned = -1;
    // struct rtgenmsg is one byte (the family, AF_UNSPEC), padded to four.
    private const int RtGenMsgSize = 4;
    private const int RequestSize = Netlink.HeaderSize + RtGenMsgSize + 8;

    public static byte[] Request(int namespaceFd, uint sequence)
    {
        var message = new byte[RequestSize];
        MemoryMarshal.Write(message, (uint)RequestSize);
        MemoryMarshal.Write(message.AsSpan(4), GetNsid);
        MemoryMarshal.Write(message.AsSpan(6), Netlink.FlagRequest);
        MemoryMarshal.Write(message.AsSpan(8), sequence);
        var attribute = message.AsSpan(Netlink.HeaderSize + RtGenMsgSize);
        MemoryMarshal.Write(attribute, (ushort)8);
        MemoryMarshal.Write(attribute[2..], NetnsaFd);
        MemoryMarshal.Write(attribute[4..], namespaceFd);
        return message;
    }

    /// <summary>Reads the one-message reply to <see cref="Request"/>. Never throws on input.</summary>
    public static NetnsIdAnswer ParseReply(ReadOnlySpan<byte> reply)
    {
        int? found = null;
        var seen = false;
        var broken = false;
        var progress = Netlink.Walk(reply, (type, payload) =>
        {
            if (type != NewNsid)
            {
                return;
            }

            if (payload.Length < RtGenMsgSize)
            {
                broken = true;
                return;
            }

            var attributes = new AttributeReader(payload[RtGenMsgSize..]);
            while (attributes.Next(out var attributeType, out var value))
            {
                if (attributeType == NetnsaNsid && value.Length >= 4)
                {
                    seen = true;
                    var id = MemoryMarshal.Read<int>(value);
                    found = id == NsidNotAssigned ? null : id;
                }
            }

            broken |= attributes.Malformed;
        });

        return progress.End switch
        {
            DumpEnd.Error => new NetnsIdAnswer(null, progress.Errno),
            DumpEnd.Malformed => new NetnsIdAnswer(null, Malformed: true),
            _ when broken || !seen => new NetnsIdAnswer(null, Malformed: true),
            _ => new NetnsIdAnswer(found),
        };
    }
}
