using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Dashboard.Server.Collection.Net;

/// <summary>
/// Pure parsers of rtnetlink payloads (linux/rtnetlink.h, if_link.h, if_addr.h): the fixed header of each message
/// type, then its attributes. A message too short for its header, or with a broken attribute, gives null: it is
/// dropped rather than half-read.
/// </summary>
internal static class RtnetlinkParsers
{
    public const ushort NewLink = 16;
    public const ushort GetLink = 18;
    public const ushort NewAddress = 20;
    public const ushort GetAddress = 22;
    public const ushort NewRoute = 24;
    public const ushort GetRoute = 26;

    public const int IfInfoSize = 16;
    public const int IfAddrSize = 8;
    public const int RtMsgSize = 12;

    private const int AfInet = 2;
    private const int AfInet6 = 10;

    private const uint IffUp = 0x1;
    private const uint IffLoopback = 0x8;
    private const ushort ArphrdLoopback = 772;

    private const ushort IflaAddress = 1;
    private const ushort IflaIfName = 3;
    private const ushort IflaMtu = 4;
    private const ushort IflaLink = 5;
    private const ushort IflaMaster = 10;
    private const ushort IflaOperState = 16;
    private const ushort IflaLinkInfo = 18;
    private const ushort IflaLinkNetnsId = 37;
    private const ushort IflaInfoKind = 1;
    private const ushort IflaInfoData = 2;
    private const ushort IflaTunType = 3;
    private const byte IffTap = 2;

    private const ushort IfaAddress = 1;
    private const ushort IfaLocal = 2;

    private const ushort RtaDst = 1;
    private const ushort RtaOif = 4;
    private const ushort RtaGateway = 5;
    private const ushort RtaPriority = 6;
    private const ushort RtaTable = 15;
    private const uint RtTableMain = 254;
    private const byte RtnUnicast = 1;

    private static readonly string[] s_operStates = ["unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"];

    public static NetInterface? ParseLink(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < IfInfoSize)
        {
            return null;
        }

        var deviceType = MemoryMarshal.Read<ushort>(payload[2..]);
        var index = MemoryMarshal.Read<int>(payload[4..]);
        var flags = MemoryMarshal.Read<uint>(payload[8..]);

        string? name = null, mac = null, kind = null;
        int mtu = 0;
        int? master = null, link = null, netnsId = null;
        byte operState = 0;
        var attributes = new AttributeReader(payload[IfInfoSize..]);
        while (attributes.Next(out var type, out var value))
        {
            switch (type)
            {
                case IflaIfName:
                    name = CString(value);
                    break;
                case IflaAddress when value.Length > 0:
                    mac = HardwareAddress(value);
                    break;
                case IflaMtu when value.Length >= 4:
                    mtu = MemoryMarshal.Read<int>(value);
                    break;
                case IflaLink when value.Length >= 4:
                    link = MemoryMarshal.Read<int>(value);
                    break;
                case IflaMaster when value.Length >= 4:
                    master = MemoryMarshal.Read<int>(value);
                    break;
                case IflaOperState when value.Length >= 1:
                    operState = value[0];
                    break;
                case IflaLinkNetnsId when value.Length >= 4:
                    netnsId = MemoryMarshal.Read<int>(value);
                    break;
                case IflaLinkInfo:
                    kind = LinkKind(value);
                    break;
            }
        }

        if (attributes.Malformed || name is null)
        {
            return null;
        }

        return new NetInterface
        {
            Index = index,
            Name = name,
            Kind = kind ?? (deviceType == ArphrdLoopback || (flags & IffLoopback) != 0 ? "loopback" : "other"),
            Mac = mac,
            Mtu = mtu,
            OperState = operState < s_operStates.Length ? s_operStates[operState] : operState.ToString(System.Globalization.CultureInfo.InvariantCulture),
            IsUp = (flags & IffUp) != 0,
            Flags = flags,
            DeviceType = deviceType,
            MasterIndex = master,
            LinkIndex = link,
            LinkNetnsId = netnsId,
        };
    }

    public static NetAddress? ParseAddress(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < IfAddrSize)
        {
            return null;
        }

        var family = payload[0];
        if (family is not (AfInet or AfInet6))
        {
            return null;
        }

        IPAddress? local = null, address = null;
        var attributes = new AttributeReader(payload[IfAddrSize..]);
        while (attributes.Next(out var type, out var value))
        {
            switch (type)
            {
                case IfaLocal:
                    local = Ip(family, value);
                    break;
                case IfaAddress:
                    address = Ip(family, value);
                    break;
            }
        }

        if (attributes.Malformed || (local ?? address) is not { } own)
        {
            return null;
        }

        return new NetAddress
        {
            InterfaceIndex = MemoryMarshal.Read<int>(payload[4..]),
            Family = family == AfInet ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6,
            Address = own,
            PrefixLength = payload[1],
            Scope = Scope(payload[3]),
            Peer = local is not null && address is not null && !local.Equals(address) ? address : null,
        };
    }

    /// <summary>The route when it is a unicast default route (dst_len 0) of the main table; null for any other route.</summary>
    public static NetRoute? ParseDefaultRoute(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < RtMsgSize)
        {
            return null;
        }

        var family = payload[0];
        var dstLength = payload[1];
        uint table = payload[4];
        var routeType = payload[7];
        if (family is not (AfInet or AfInet6) || dstLength != 0 || routeType != RtnUnicast)
        {
            return null;
        }

        IPAddress? gateway = null;
        int? oif = null, metric = null;
        var attributes = new AttributeReader(payload[RtMsgSize..]);
        while (attributes.Next(out var type, out var value))
        {
            switch (type)
            {
                // rtm_table is a byte; tables above 255 are only in RTA_TABLE, which wins when present.
                case RtaTable when value.Length >= 4:
                    table = MemoryMarshal.Read<uint>(value);
                    break;
                case RtaGateway:
                    gateway = Ip(family, value);
                    break;
                case RtaOif when value.Length >= 4:
                    oif = MemoryMarshal.Read<int>(value);
                    break;
                case RtaPriority when value.Length >= 4:
                    metric = MemoryMarshal.Read<int>(value);
                    break;
                case RtaDst when value.Length > 0 && value.IndexOfAnyExcept((byte)0) >= 0:
                    return null;
            }
        }

        if (attributes.Malformed || table != RtTableMain)
        {
            return null;
        }

        return new NetRoute
        {
            Family = family == AfInet ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6,
            Gateway = gateway,
            OutputInterfaceIndex = oif,
            Metric = metric,
        };
    }

    /// <summary>Walks a whole dump (one or more buffers back to back) and keeps what <paramref name="parse"/> accepts.</summary>
    public static DumpProgress Collect<T>(ReadOnlySpan<byte> dump, ushort messageType, PayloadParser<T> parse, List<T> into)
        where T : class =>
        Netlink.Walk(dump, (type, payload) =>
        {
            if (type == messageType && parse(payload) is { } item)
            {
                into.Add(item);
            }
        });

    public delegate T? PayloadParser<T>(ReadOnlySpan<byte> payload) where T : class;

    /// <summary>Builds a snapshot from the three complete dumps; null when any of them did not end in NLMSG_DONE.</summary>
    public static NetnsSnapshot? ParseSnapshot(ReadOnlySpan<byte> links, ReadOnlySpan<byte> addresses, ReadOnlySpan<byte> routes)
    {
        var interfaces = new List<NetInterface>();
        var addressList = new List<NetAddress>();
        var routeList = new List<NetRoute>();
        if (Collect(links, NewLink, ParseLink, interfaces).End != DumpEnd.Done
            || Collect(addresses, NewAddress, ParseAddress, addressList).End != DumpEnd.Done
            || Collect(routes, NewRoute, ParseDefaultRoute, routeList).End != DumpEnd.Done)
        {
            return null;
        }

        return new NetnsSnapshot { Interfaces = interfaces, Addresses = addressList, DefaultRoutes = routeList };
    }

    private static string? LinkKind(ReadOnlySpan<byte> linkInfo)
    {
        string? kind = null;
        var tunIsTap = false;
        var nested = new AttributeReader(linkInfo);
        while (nested.Next(out var type, out var value))
        {
            if (type == IflaInfoKind)
            {
                kind = CString(value);
            }
            else if (type == IflaInfoData)
            {
                // Only tun's data is read: its IFLA_TUN_TYPE tells tun from tap (the kind is "tun" for both).
                var data = new AttributeReader(value);
                while (data.Next(out var dataType, out var dataValue))
                {
                    tunIsTap |= dataType == IflaTunType && dataValue.Length >= 1 && dataValue[0] == IffTap;
                }
            }
        }

        return kind == "tun" && tunIsTap ? "tap" : kind;
    }

    private static string HardwareAddress(ReadOnlySpan<byte> value)
    {
        var text = new StringBuilder(value.Length * 3);
        foreach (var b in value)
        {
            text.Append(text.Length == 0 ? "" : ":").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static string CString(ReadOnlySpan<byte> value)
    {
        var end = value.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? value[..end] : value);
    }

    private static IPAddress? Ip(byte family, ReadOnlySpan<byte> value) =>
        (family, value.Length) switch
        {
            (AfInet, 4) or (AfInet6, 16) => new IPAddress(value),
            _ => null,
        };

    private static string Scope(byte scope) => scope switch
    {
        0 => "global",
        200 => "site",
        253 => "link",
        254 => "host",
        255 => "nowhere",
        _ => scope.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
