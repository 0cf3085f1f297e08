using System.Text.Json.Serialization;

namespace Dashboard.Shared.Contracts;

/// <summary>A container by id and name.</summary>
public sealed record ContainerRef
{
    /// <summary>The full container id.</summary>
    public required string Id { get; init; }
    /// <summary>The name without Docker's leading slash.</summary>
    public required string Name { get; init; }
}

/// <summary>How a container's namespace of one type relates to the host and other containers, decided from the inodes.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Sharing>))]
public enum Sharing
{
    /// <summary>Its own namespace, shared with no other container and not the host's.</summary>
    [JsonStringEnumMemberName("private")] Private,
    /// <summary>The same inode as another container's namespace.</summary>
    [JsonStringEnumMemberName("shared")] Shared,
    /// <summary>The host's initial namespace (wins over <see cref="Shared"/>).</summary>
    [JsonStringEnumMemberName("host")] Host,
}

/// <summary>A container's namespace of one type.</summary>
public sealed record ContainerNamespace
{
    /// <summary>The nsfs inode.</summary>
    public required ulong Inode { get; init; }
    /// <summary>private, shared or host.</summary>
    public required Sharing Sharing { get; init; }
    /// <summary>
    /// Every other container in the same namespace when it is private or shared; empty for the host's namespaces, whose
    /// containers <c>GET /api/namespaces/{type}/{inode}</c> lists (naming them here would grow every container's record with the host).
    /// </summary>
    public required IReadOnlyList<ContainerRef> SharedWith { get; init; }
}

/// <summary>A container: <c>GET /api/containers</c> and <c>GET /api/containers/{idOrName}</c>.</summary>
public sealed record ContainerInfo
{
    /// <summary>The full id.</summary>
    public required string Id { get; init; }
    /// <summary>The name without the leading slash.</summary>
    public required string Name { get; init; }
    /// <summary>The image as the container was created from it.</summary>
    public required string Image { get; init; }
    /// <summary>Docker's state: created, running, paused, restarting, removing, exited, dead.</summary>
    public required string State { get; init; }
    /// <summary>Host PID of the init process; null when not running.</summary>
    public int? Pid { get; init; }
    /// <summary>When the container was created.</summary>
    public required DateTimeOffset Created { get; init; }
    /// <summary>The container's labels.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    /// <summary>The namespace modes asked for in HostConfig (what was requested, not necessarily what is).</summary>
    public required ContainerHostConfig HostConfig { get; init; }
    /// <summary>Mounts of the container.</summary>
    public required IReadOnlyList<ContainerMount> Mounts { get; init; }
    /// <summary>Docker networks the container is attached to.</summary>
    public required IReadOnlyList<ContainerEndpoint> Networks { get; init; }
    /// <summary>The eight namespaces of the running container; null when it is not running.</summary>
    public IReadOnlyDictionary<NamespaceType, ContainerNamespace>? Namespaces { get; init; }
}

/// <summary>The namespace-related part of a container's HostConfig.</summary>
public sealed record ContainerHostConfig
{
    /// <summary>NetworkMode, e.g. <c>bridge</c>, <c>host</c>, <c>container:&lt;id&gt;</c>, a network name.</summary>
    public string? NetworkMode { get; init; }
    /// <summary>PidMode, e.g. empty, <c>host</c>, <c>container:&lt;id&gt;</c>.</summary>
    public string? PidMode { get; init; }
    /// <summary>IpcMode, e.g. <c>private</c>, <c>shareable</c>, <c>host</c>, <c>container:&lt;id&gt;</c>.</summary>
    public string? IpcMode { get; init; }
    /// <summary>UTSMode, e.g. empty or <c>host</c>.</summary>
    public string? UtsMode { get; init; }
    /// <summary>UsernsMode, e.g. empty or <c>host</c>.</summary>
    public string? UsernsMode { get; init; }
    /// <summary>CgroupnsMode, <c>private</c> or <c>host</c>.</summary>
    public string? CgroupnsMode { get; init; }
    /// <summary>Whether the container runs privileged.</summary>
    public required bool Privileged { get; init; }
    /// <summary>Capabilities added to the default set.</summary>
    public required IReadOnlyList<string> CapAdd { get; init; }
}

/// <summary>A mount of a container.</summary>
public sealed record ContainerMount
{
    /// <summary>bind, volume, tmpfs, npipe.</summary>
    public required string Type { get; init; }
    /// <summary>The host path or volume name.</summary>
    public string? Source { get; init; }
    /// <summary>The path inside the container.</summary>
    public required string Destination { get; init; }
    /// <summary>True unless mounted read-write.</summary>
    public required bool ReadOnly { get; init; }
}

/// <summary>A container's endpoint on a Docker network.</summary>
public sealed record ContainerEndpoint
{
    /// <summary>The network's name.</summary>
    public required string Network { get; init; }
    /// <summary>The network's id.</summary>
    public string? NetworkId { get; init; }
    /// <summary>IPv4 address with prefix length, e.g. <c>172.18.0.2/16</c>.</summary>
    [JsonPropertyName("ipv4Address")]
    public string? IPv4Address { get; init; }
    /// <summary>IPv6 address with prefix length.</summary>
    [JsonPropertyName("ipv6Address")]
    public string? IPv6Address { get; init; }
    /// <summary>The MAC address.</summary>
    public string? MacAddress { get; init; }
}

/// <summary>One row of the per-container namespace table: <c>GET /api/containers/{idOrName}/namespaces</c>.</summary>
public sealed record ContainerNamespaceRow
{
    /// <summary>The namespace type.</summary>
    public required NamespaceType Type { get; init; }
    /// <summary>The nsfs inode.</summary>
    public required ulong Inode { get; init; }
    /// <summary>private, shared or host.</summary>
    public required Sharing Sharing { get; init; }
    /// <summary>The other containers in the same namespace; empty for the host's namespaces (see <see cref="ContainerNamespace.SharedWith"/>).</summary>
    public required IReadOnlyList<ContainerRef> SharedWith { get; init; }
    /// <summary>What this namespace type isolates.</summary>
    public required string Description { get; init; }
    /// <summary>A shell command a user would type on the host to look inside it.</summary>
    public required string Command { get; init; }
    /// <summary>The <c>lsns</c> command that lists this namespace.</summary>
    public required string LsnsCommand { get; init; }
}
