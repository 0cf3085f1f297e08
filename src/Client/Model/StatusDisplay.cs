using Dashboard.Client.Live;
using Dashboard.Shared.Contracts;
using MudBlazor;

namespace Dashboard.Client.Model;

/// <summary>A chip of the app bar: what it says, in which colour, and what hovering it explains.</summary>
public sealed record StatusBadge(string Label, Color Color, string Icon, string Tooltip);

/// <summary>How the app bar shows the live connection and the Docker engine.</summary>
public static class StatusDisplay
{
    public static StatusBadge Connection(LiveConnectionState state) => state switch
    {
        LiveConnectionState.Live => new("Live", Color.Success, Icons.Material.Filled.Sensors,
            "Connected to the live hub: the pages follow the host as it changes."),
        LiveConnectionState.Reconnecting => new("Reconnecting…", Color.Warning, Icons.Material.Filled.Sync,
            "The connection to the server was lost and is being made again; what is shown may be out of date."),
        LiveConnectionState.Disconnected => new("Disconnected", Color.Error, Icons.Material.Filled.CloudOff,
            "The server has not answered for a while; retrying every 10 s. What is shown may be out of date."),
        _ => new("Connecting…", Color.Default, Icons.Material.Filled.HourglassEmpty,
            "Connecting to the live hub; until then the pages show what the REST API answered."),
    };

    // The engine state says more than Available: an engine lost a moment ago is being reconnected, not gone.
    public static StatusBadge Docker(DockerStatus docker) => docker.State switch
    {
        DockerEngineState.Reconnecting => new("Docker reconnecting", Color.Warning, Icons.Material.Filled.Sync,
            $"Lost the engine at {docker.Endpoint}; reconnecting. Containers are shown as last seen.{Reason(docker)}"),
        DockerEngineState.Unavailable => Unavailable(docker),
        _ when !docker.Available => Unavailable(docker),
        _ => new($"Docker {docker.Version}", Color.Success, Icons.Material.Filled.CheckCircle,
            $"{docker.Endpoint}, Engine API {docker.ApiVersion}"),
    };

    /// <summary>
    /// Whether the server is told of changes or has to look for them: one chip for the four sources, the tooltip
    /// naming each. Null for a status without sources (a snapshot taken before they were recorded).
    /// </summary>
    public static StatusBadge? Events(EventSourcesStatus? sources)
    {
        if (sources is null)
        {
            return null;
        }

        (string Name, EventSourceStatus Status)[] all =
        [
            ("process", sources.ProcessEvents), ("mount", sources.MountEvents), ("network", sources.NetlinkEvents), ("Docker", sources.DockerEvents),
        ];
        var tooltip = string.Join("; ", all.Select(s => $"{s.Name} events: {Describe(s.Status)}"));
        // An engine that is away has its own chip; the label names what the server has to poll.
        var polled = all.Where(s => s.Status.State == EventSourceState.Polling).Select(s => s.Name).ToList();
        return polled.Count == 0
            ? new("Events", Color.Success, Icons.Material.Filled.Bolt, tooltip)
            : new($"Polling {string.Join(", ", polled)}", Color.Warning, Icons.Material.Filled.Update, tooltip);
    }

    private static string Describe(EventSourceStatus status) => status.State switch
    {
        EventSourceState.Live => $"live ({status.Mechanism})",
        EventSourceState.Polling => $"polled ({status.Mechanism}): {status.Reason}",
        _ => $"unavailable: {status.Reason}",
    };

    private static StatusBadge Unavailable(DockerStatus docker) => new("Docker unavailable", Color.Warning, Icons.Material.Filled.Warning,
        docker.Error ?? $"No answer from {docker.Endpoint}");

    private static string Reason(DockerStatus docker) => docker.Error is { } error ? $" ({error})" : "";
}
