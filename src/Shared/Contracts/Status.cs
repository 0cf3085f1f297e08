using System.Text.Json.Serialization;

namespace Dashboard.Shared.Contracts;

/// <summary>Answer of <c>GET /api/status</c>: where the data comes from and how much of it there is.</summary>
public sealed record StatusInfo
{
    /// <summary>The Docker engine as last seen.</summary>
    public required DockerStatus Docker { get; init; }
    /// <summary>The proc root that is scanned (<c>/proc</c>, or the host's when deployed in a container).</summary>
    public required string ProcRoot { get; init; }
    /// <summary>Processes found in the last scan.</summary>
    public required int ProcessCount { get; init; }
    /// <summary>Processes that exist but whose namespaces could not be read (permissions, capabilities).</summary>
    public required int UnreadableProcessCount { get; init; }
    /// <summary>Namespaces of all eight types known after the last scan.</summary>
    public required int NamespaceCount { get; init; }
    /// <summary>Containers reported by the engine, running or not.</summary>
    public required int ContainerCount { get; init; }
    /// <summary>When the last scan finished.</summary>
    public required DateTimeOffset ScannedAt { get; init; }
    /// <summary>How long the last scan took, in milliseconds.</summary>
    public required double ScanMilliseconds { get; init; }
    /// <summary>The snapshot store; null where no store is configured.</summary>
    public StorageStatus? Storage { get; init; }
    /// <summary>
    /// What tells the server that something changed: the kernel's process, mount and network events and the engine's
    /// events, each live, replaced by polling, or unavailable; null where the state was not built by the live service.
    /// </summary>
    public EventSourcesStatus? Sources { get; init; }
    /// <summary>How the state is kept current: full rescans and event-driven updates so far; null as for <see cref="Sources"/>.</summary>
    public CollectionStatus? Collection { get; init; }
}

/// <summary>Each source of change events, by the name scripts use.</summary>
public sealed record EventSourcesStatus
{
    /// <summary>Fork, exec and exit of every process (the kernel's proc connector).</summary>
    public required EventSourceStatus ProcessEvents { get; init; }
    /// <summary>Mounts and unmounts in each mount namespace (nsfs bind mounts such as <c>ip netns add</c>).</summary>
    public required EventSourceStatus MountEvents { get; init; }
    /// <summary>Links, addresses and routes changing in each network namespace (rtnetlink).</summary>
    public required EventSourceStatus NetlinkEvents { get; init; }
    /// <summary>The Docker engine's event stream.</summary>
    public required EventSourceStatus DockerEvents { get; init; }
}

/// <summary>One source of change events.</summary>
public sealed record EventSourceStatus
{
    /// <summary>Live, polling or unavailable.</summary>
    public required EventSourceState State { get; init; }
    /// <summary>How it listens (e.g. <c>proc connector</c>) or, when polling, what it polls.</summary>
    public string? Mechanism { get; init; }
    /// <summary>Why it is not live, in words; null when it is.</summary>
    public string? Reason { get; init; }
}

/// <summary>Whether a source of change events is followed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EventSourceState>))]
public enum EventSourceState
{
    /// <summary>The server is told of every change as it happens.</summary>
    [JsonStringEnumMemberName("live")] Live,
    /// <summary>The source could not be opened: what it covers is read again every <c>Dashboard:FallbackScanInterval</c>.</summary>
    [JsonStringEnumMemberName("polling")] Polling,
    /// <summary>Neither followed nor polled (e.g. no Docker engine): only the periodic full rescan sees its changes.</summary>
    [JsonStringEnumMemberName("unavailable")] Unavailable,
}

/// <summary>How the live state has been collected since the server started.</summary>
public sealed record CollectionStatus
{
    /// <summary>Full rescans of /proc, the mount tables, the open descriptors and every network namespace.</summary>
    public required long FullScans { get; init; }
    /// <summary>Refreshes that read only what events (or polling) named.</summary>
    public required long Updates { get; init; }
    /// <summary>When the last full rescan finished.</summary>
    public DateTimeOffset? LastFullScanAt { get; init; }
    /// <summary>How long the last full rescan took, in milliseconds.</summary>
    public double? LastFullScanMilliseconds { get; init; }
    /// <summary><c>Dashboard:ScanInterval</c>: how often the safety-net full rescan runs.</summary>
    public required TimeSpan ScanInterval { get; init; }
    /// <summary><c>Dashboard:FallbackScanInterval</c>: how often a polling source's part is read again.</summary>
    public required TimeSpan FallbackScanInterval { get; init; }
}

/// <summary>The state of the Docker engine connection.</summary>
public sealed record DockerStatus
{
    /// <summary>True when the engine answered the last scan.</summary>
    public required bool Available { get; init; }
    /// <summary>The connection as the live state sees it: connected, reconnecting after a loss, or unavailable.</summary>
    public DockerEngineState State { get; init; }
    /// <summary>The configured endpoint, e.g. <c>unix:///var/run/docker.sock</c>.</summary>
    public required string Endpoint { get; init; }
    /// <summary>The engine's version, e.g. <c>20.10.24</c>; null when unavailable.</summary>
    public string? Version { get; init; }
    /// <summary>The Engine API version the engine speaks, e.g. <c>1.41</c>; null when unavailable.</summary>
    public string? ApiVersion { get; init; }
    /// <summary>Why the engine is unavailable, when it is.</summary>
    public string? Error { get; init; }
}

/// <summary>How the server's connection to the Docker engine stands.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DockerEngineState>))]
public enum DockerEngineState
{
    /// <summary>The engine answers and its events are followed.</summary>
    [JsonStringEnumMemberName("connected")] Connected,
    /// <summary>The engine was lost a moment ago; the server is trying again and keeps serving /proc data meanwhile.</summary>
    [JsonStringEnumMemberName("reconnecting")] Reconnecting,
    /// <summary>The engine cannot be reached (absent, stopped, or refusing); retried in the background.</summary>
    [JsonStringEnumMemberName("unavailable")] Unavailable,
}
