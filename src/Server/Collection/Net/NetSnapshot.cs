using System.Net;
using System.Net.Sockets;

namespace Dashboard.Server.Collection.Net;

/// <summary>What rtnetlink reported for one network namespace at one moment.</summary>
internal sealed record NetnsSnapshot
{
    public required IReadOnlyList<NetInterface> Interfaces { get; init; }
    public required IReadOnlyList<NetAddress> Addresses { get; init; }
    /// <summary>Default routes (prefix length 0) of the main table, IPv4 and IPv6.</summary>
    public required IReadOnlyList<NetRoute> DefaultRoutes { get; init; }
    /// <summary>The namespace's SO_NETNS_COOKIE, read on the socket the dumps ran on; null when the kernel gives none.</summary>
    public ulong? Cookie { get; init; }
    /// <summary>
    /// TCP listeners and unconnected UDP sockets as sock_diag gives them; null when it could not (the collector then
    /// reads <c>/proc/&lt;pid&gt;/net</c> of a member process instead).
    /// </summary>
    public IReadOnlyList<ListeningSocket>? ListeningSockets { get; init; }
}

/// <summary>One RTM_NEWLINK message.</summary>
internal sealed record NetInterface
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    /// <summary>
    /// The kernel's IFLA_INFO_KIND ("veth", "bridge", "macvlan", "vxlan", …) as it spells it, except "tap" for a
    /// tun device in tap mode, "loopback" for lo, and "other" when the driver names no kind (physical NICs).
    /// </summary>
    public required string Kind { get; init; }
    /// <summary>IFLA_ADDRESS as colon-separated lowercase hex; null for devices without a link-layer address (tun).</summary>
    public string? Mac { get; init; }
    public required int Mtu { get; init; }
    /// <summary>RFC 2863 state in lowercase: "up", "down", "unknown", "lowerlayerdown", "dormant", …</summary>
    public required string OperState { get; init; }
    /// <summary>IFF_UP: administratively up.</summary>
    public required bool IsUp { get; init; }
    /// <summary>The raw ifi_flags.</summary>
    public required uint Flags { get; init; }
    /// <summary>The raw ifi_type (ARPHRD_*).</summary>
    public required ushort DeviceType { get; init; }
    /// <summary>IFLA_MASTER: the bridge (or bond, vrf) this interface is a port of.</summary>
    public int? MasterIndex { get; init; }
    /// <summary>
    /// IFLA_LINK: for a veth the peer's index, for macvlan/ipvlan the lower device. Relative to
    /// <see cref="LinkNetnsId"/> when that is set, else to this namespace. The kernel omits it when it equals
    /// <see cref="Index"/>, so a veth whose peer has the same index in another namespace has none.
    /// </summary>
    public int? LinkIndex { get; init; }
    /// <summary>IFLA_LINK_NETNSID: the peer's namespace as an id local to this namespace (not an inode).</summary>
    public int? LinkNetnsId { get; init; }
}

/// <summary>One RTM_NEWADDR message.</summary>
internal sealed record NetAddress
{
    public required int InterfaceIndex { get; init; }
    public required AddressFamily Family { get; init; }
    /// <summary>IFA_LOCAL when present (IPv4: the interface's own address), else IFA_ADDRESS.</summary>
    public required IPAddress Address { get; init; }
    public required int PrefixLength { get; init; }
    /// <summary>"global", "site", "link", "host", "nowhere", or the number.</summary>
    public required string Scope { get; init; }
    /// <summary>The other end of a point-to-point address (IFA_ADDRESS when it differs from IFA_LOCAL).</summary>
    public IPAddress? Peer { get; init; }
}

/// <summary>One default route of the main table.</summary>
internal sealed record NetRoute
{
    public required AddressFamily Family { get; init; }
    /// <summary>RTA_GATEWAY; null for a device route or a multipath route.</summary>
    public IPAddress? Gateway { get; init; }
    /// <summary>RTA_OIF.</summary>
    public int? OutputInterfaceIndex { get; init; }
    /// <summary>RTA_PRIORITY, when set.</summary>
    public int? Metric { get; init; }
}
