using Dashboard.Shared.Contracts;

namespace Dashboard.Server.Collection.Docker;

/// <summary>What the engine said in one collection; <see cref="Available"/> false means it could not be asked.</summary>
internal sealed class DockerState
{
    public required bool Available { get; init; }
    /// <summary>How the connection stands; <see cref="DockerEngineState.Connected"/> whenever <see cref="Available"/>.</summary>
    public DockerEngineState EngineState { get; init; }
    public string? Version { get; init; }
    public string? ApiVersion { get; init; }
    public string? Error { get; init; }
    public required IReadOnlyList<DockerContainer> Containers { get; init; }
    public required IReadOnlyList<DockerNetwork> Networks { get; init; }

    public static DockerState Unavailable(string error, DockerEngineState state = DockerEngineState.Unavailable) => new()
    {
        Available = false,
        EngineState = state,
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

/// <summary>What <see cref="DockerCollector.ListAsync"/> saw: container id → fingerprint of its list entry, and network ids.</summary>
internal sealed record DockerListing(IReadOnlyDictionary<string, string> Containers, IReadOnlyList<string> NetworkIds);

/// <summary>One engine event: type (container, network), action (start, die, connect…), the actor's id and attributes.</summary>
internal sealed record DockerEvent(string Type, string Action, string ActorId, IReadOnlyDictionary<string, string> Attributes);
