using Dashboard.Shared.Contracts;

namespace Dashboard.Server.Collection.Docker;

/// <summary>What the engine said in one collection; <see cref="Available"/> false means it could not be asked.</summary>
internal sealed class DockerState
{
    public required bool Available { get; init; }
    public string? Version { get; init; }
    public string? ApiVersion { get; init; }
    public string? Error { get; init; }
    public required IReadOnlyList<DockerContainer> Containers { get; init; }
    public required IReadOnlyList<DockerNetwork> Networks { get; init; }

    public static DockerState Unavailable(string error) => new()
    {
        Available = false,
        Error = error,
        Containers = [],
        Networks = [],
    };
}

internal sealed class DockerContainer
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Image { get; init; }
    public required string State { get; init; }
    /// <summary>Host PID of the init process, or null when not running (the engine reports 0).</summary>
    public int? Pid { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public required ContainerHostConfig HostConfig { get; init; }
    public required IReadOnlyList<ContainerMount> Mounts { get; init; }
    public required IReadOnlyList<ContainerEndpoint> Endpoints { get; init; }
}

internal sealed class DockerNetwork
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Driver { get; init; }
    public required bool Internal { get; init; }
    public required IReadOnlyList<string> Subnets { get; init; }
    public required IReadOnlyList<string> Gateways { get; init; }
    /// <summary>The Linux bridge behind a bridge network: docker0 or br-&lt;id12&gt; unless the option names another.</summary>
    public string? BridgeInterface { get; init; }
    public required IReadOnlyDictionary<string, string> Options { get; init; }
    public required IReadOnlyList<DockerNetworkMember> Members { get; init; }
}

internal sealed record DockerNetworkMember(string ContainerId, string Name, string? IPv4Address, string? IPv6Address, string? MacAddress);
