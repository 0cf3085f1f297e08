using MudBlazor;

namespace Dashboard.Client.Model;

/// <summary>How container facts are shown.</summary>
public static class ContainerDisplay
{
    public static Color StateColor(string state) => state switch
    {
        "running" => Color.Success,
        "paused" or "restarting" or "removing" => Color.Warning,
        "dead" => Color.Error,
        _ => Color.Default,
    };

    /// <summary>The 12-character id Docker prints.</summary>
    public static string ShortId(string id) => id.Length > 12 ? id[..12] : id;

    /// <summary>An empty HostConfig mode means Docker's default, which is worth saying rather than leaving blank.</summary>
    public static string Mode(string? mode) => string.IsNullOrEmpty(mode) ? "(default)" : mode;
}
