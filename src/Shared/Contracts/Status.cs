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
