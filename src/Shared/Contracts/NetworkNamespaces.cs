using System.Text.Json.Serialization;

namespace Dashboard.Shared.Contracts;

/// <summary>A network namespace with its interfaces, routes and sockets: <c>GET /api/netns</c> and <c>GET /api/netns/{inode}</c>.</summary>
public sealed record NetnsInfo
{
    /// <summary>The nsfs inode that identifies the namespace (as in <c>readlink /proc/&lt;pid&gt;/ns/net</c>).</summary>
    public required ulong Inode { get; init; }
    /// <summary>
    /// The kernel's SO_NETNS_COOKIE for the namespace: unlike the inode, never given to another namespace while the
    /// host runs. Null when the namespace could not be read or the kernel is older than 5.14.
    /// </summary>
    public ulong? Cookie { get; init; }
    /// <summary>True for the host's initial network namespace.</summary>
    public required bool IsInitial { get; init; }
    /// <summary>Containers whose init process is in this namespace; several when others joined with <c>--network container:X</c>.</summary>
    public required IReadOnlyList<ContainerRef> Containers { get; init; }
    /// <summary>Number of processes in the namespace.</summary>
    public required int ProcessCount { get; init; }
    /// <summary>The lowest PID in the namespace; null when no process is in it.</summary>
    public int? LowestPid { get; init; }
    /// <summary>The command line of <see cref="LowestPid"/>, e.g. <c>sleep 3000</c> for a process started by <c>unshare -n</c>.</summary>
    public string? Command { get; init; }
    /// <summary>nsfs bind mounts that keep it alive, e.g. <c>/run/netns/x</c> or <c>/run/docker/netns/1a2b</c>.</summary>
    public required IReadOnlyList<string> BindMounts { get; init; }
    /// <summary>Open file descriptors on the namespace (a process holding it without being in it), lowest PID first.</summary>
    public IReadOnlyList<FileDescriptorRef> OpenDescriptors { get; init; } = [];
    /// <summary>Every interface, by index.</summary>
    public required IReadOnlyList<NetInterfaceInfo> Interfaces { get; init; }
    /// <summary>Default routes of the main table, IPv4 and IPv6.</summary>
    public required IReadOnlyList<NetDefaultRoute> DefaultRoutes { get; init; }
    /// <summary>
    /// Listening TCP sockets and bound, unconnected UDP sockets, asked of the namespace itself over sock_diag, so also
    /// for namespaces no process is in (kernel listeners, sockets whose process left). On a kernel without inet_diag
    /// they are read from <c>/proc/&lt;pid&gt;/net</c> of a process in the namespace instead, and are then empty for
    /// namespaces with no process in them.
    /// </summary>
    public required IReadOnlyList<NetSocketInfo> Sockets { get; init; }
    /// <summary>Why interfaces and routes are missing (the namespace vanished or could not be entered); null when read.</summary>
    public string? Error { get; init; }
}

/// <summary>One network interface of a namespace.</summary>
public sealed record NetInterfaceInfo
{
    /// <summary>The interface index, unique within its namespace only.</summary>
    public required int Index { get; init; }
    /// <summary>The name, e.g. <c>eth0</c>.</summary>
    public required string Name { get; init; }
    /// <summary>The kind of device, from the driver's link kind.</summary>
    public required NetInterfaceKind Kind { get; init; }
    /// <summary>The link-layer address in lowercase colon-separated hex; null for devices without one (tun).</summary>
    public string? Mac { get; init; }
    /// <summary>The MTU in bytes.</summary>
    public required int Mtu { get; init; }
    /// <summary>Operational state (RFC 2863) in lowercase: <c>up</c>, <c>down</c>, <c>lowerlayerdown</c>, <c>unknown</c>, ….</summary>
    public required string State { get; init; }
    /// <summary>The name of the bridge (or bond) this interface is a port of; null when none.</summary>
    public string? Master { get; init; }
    /// <summary>IPv4 and IPv6 addresses with prefix length, e.g. <c>172.18.0.2/16</c>.</summary>
    public required IReadOnlyList<string> Addresses { get; init; }
    /// <summary>For a veth: the other end, possibly in another namespace; null for other kinds or when its namespace is not known.</summary>
    public NetPeerRef? Peer { get; init; }
}

/// <summary>The other end of a veth pair.</summary>
public sealed record NetPeerRef
{
    /// <summary>The inode of the namespace the peer is in.</summary>
    public required ulong NetnsInode { get; init; }
    /// <summary>The peer's index in that namespace.</summary>
    public required int Index { get; init; }
    /// <summary>The peer's name.</summary>
    public required string Name { get; init; }
}

/// <summary>A default route.</summary>
public sealed record NetDefaultRoute
{
    /// <summary><c>ipv4</c> or <c>ipv6</c>.</summary>
    public required string Family { get; init; }
    /// <summary>The gateway address; null for a route straight out of a device.</summary>
    public string? Gateway { get; init; }
    /// <summary>The name of the outgoing interface; null when the route names none (multipath).</summary>
    public string? Interface { get; init; }
}

/// <summary>A socket waiting for peers.</summary>
public sealed record NetSocketInfo
{
    /// <summary><c>tcp</c> or <c>udp</c> (the address tells IPv4 from IPv6).</summary>
    public required string Protocol { get; init; }
    /// <summary>The local address, e.g. <c>0.0.0.0</c>, <c>::</c> or <c>127.0.0.1</c>.</summary>
    public required string Address { get; init; }
    /// <summary>The local port.</summary>
    public required int Port { get; init; }
    /// <summary>Host PIDs of the processes holding the socket; empty when none could be seen.</summary>
    public required IReadOnlyList<int> Pids { get; init; }
}

/// <summary>The kind of a network interface, with the kernel's many link kinds folded into a few.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NetInterfaceKind>))]
public enum NetInterfaceKind
{
    /// <summary>Anything else: physical NICs and the less common virtual devices.</summary>
    [JsonStringEnumMemberName("other")] Other,
    /// <summary><c>lo</c>.</summary>
    [JsonStringEnumMemberName("loopback")] Loopback,
    /// <summary>One end of a veth pair.</summary>
    [JsonStringEnumMemberName("veth")] Veth,
    /// <summary>A Linux bridge, such as <c>docker0</c> or <c>br-&lt;id&gt;</c>.</summary>
    [JsonStringEnumMemberName("bridge")] Bridge,
    /// <summary>macvlan or macvtap.</summary>
    [JsonStringEnumMemberName("macvlan")] Macvlan,
    /// <summary>ipvlan or ipvtap.</summary>
    [JsonStringEnumMemberName("ipvlan")] Ipvlan,
    /// <summary>A VXLAN tunnel endpoint.</summary>
    [JsonStringEnumMemberName("vxlan")] Vxlan,
    /// <summary>A tun device (layer 3).</summary>
    [JsonStringEnumMemberName("tun")] Tun,
    /// <summary>A tap device (layer 2).</summary>
    [JsonStringEnumMemberName("tap")] Tap,
    /// <summary>A dummy device.</summary>
    [JsonStringEnumMemberName("dummy")] Dummy,
}
