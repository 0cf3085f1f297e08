namespace Dashboard.Shared.Contracts;

/// <summary>A Docker network: <c>GET /api/networks</c>.</summary>
public sealed record DockerNetworkInfo
{
    /// <summary>The full network id.</summary>
    public required string Id { get; init; }
    /// <summary>The network's name, e.g. <c>bridge</c> or <c>mynetwork</c>.</summary>
    public required string Name { get; init; }
    /// <summary>The driver: bridge, host, null, macvlan, ipvlan, overlay….</summary>
    public required string Driver { get; init; }
    /// <summary>True for <c>--internal</c> networks, which have no route out of the host.</summary>
    public required bool Internal { get; init; }
    /// <summary>False when inter-container communication is turned off (<c>com.docker.network.bridge.enable_icc=false</c>).</summary>
    public required bool EnableIcc { get; init; }
    /// <summary>Subnets from the IPAM configuration, e.g. <c>172.18.0.0/16</c>.</summary>
    public required IReadOnlyList<string> Subnets { get; init; }
    /// <summary>Gateways from the IPAM configuration.</summary>
    public required IReadOnlyList<string> Gateways { get; init; }
    /// <summary>The Linux bridge of a bridge network: <c>docker0</c> or <c>br-&lt;first 12 of the id&gt;</c>; null for other drivers.</summary>
    public string? BridgeInterface { get; init; }
    /// <summary>The containers attached, with their addresses on this network.</summary>
    public required IReadOnlyList<NetworkMember> Containers { get; init; }
}

/// <summary>A container's endpoint on a Docker network, as the network reports it.</summary>
public sealed record NetworkMember
{
    /// <summary>The container's full id.</summary>
    public required string Id { get; init; }
    /// <summary>The container's name.</summary>
    public required string Name { get; init; }
    /// <summary>IPv4 address with prefix length.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("ipv4Address")]
    public string? IPv4Address { get; init; }
    /// <summary>IPv6 address with prefix length.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("ipv6Address")]
    public string? IPv6Address { get; init; }
    /// <summary>The endpoint's MAC address.</summary>
    public string? MacAddress { get; init; }
}
