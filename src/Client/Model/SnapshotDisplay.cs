using System.Globalization;
using Dashboard.Shared.Contracts;
using MudBlazor;

namespace Dashboard.Client.Model;

/// <summary>How snapshots are shown: why they were taken, when, and the size of the store.</summary>
public static class SnapshotDisplay
{
    public static string ReasonLabel(SnapshotReason reason) => reason switch
    {
        SnapshotReason.Startup => "startup",
        SnapshotReason.Timer => "timer",
        SnapshotReason.Change => "change",
        SnapshotReason.Manual => "manual",
        _ => reason.ToString().ToLowerInvariant(),
    };

    // The periodic ones are the background; what changed, and what someone asked for, stand out.
    public static Color ReasonColor(SnapshotReason reason) => reason switch
    {
        SnapshotReason.Change => Color.Info,
        SnapshotReason.Manual => Color.Primary,
        SnapshotReason.Startup => Color.Secondary,
        _ => Color.Default,
    };

    public static string ReasonIcon(SnapshotReason reason) => reason switch
    {
        SnapshotReason.Change => Icons.Material.Filled.CompareArrows,
        SnapshotReason.Manual => Icons.Material.Filled.TouchApp,
        SnapshotReason.Startup => Icons.Material.Filled.PowerSettingsNew,
        _ => Icons.Material.Filled.Schedule,
    };

    public static string ReasonTooltip(SnapshotReason reason) => reason switch
    {
        SnapshotReason.Startup => "Taken when the server started.",
        SnapshotReason.Timer => "Taken by the periodic timer, changed or not.",
        SnapshotReason.Change => "Taken after containers, namespaces or the wiring changed and settled.",
        SnapshotReason.Manual => "Asked for (Take snapshot now, or POST /api/snapshots).",
        _ => "",
    };

    /// <summary>The wall clock in <paramref name="zone"/>, to the second: <c>2026-11-28 14:03:07</c>.</summary>
    public static string Absolute(DateTimeOffset time, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(time, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>How long ago, in the largest whole unit: <c>just now</c>, <c>42 s ago</c>, <c>27 min ago</c>, <c>5 h ago</c>, <c>3 days ago</c>.</summary>
    public static string Relative(DateTimeOffset time, DateTimeOffset now)
    {
        var age = now - time;
        // A clock a little ahead (browser against server) is not "the future".
        if (age < TimeSpan.FromSeconds(5))
        {
            return age < -TimeSpan.FromMinutes(1) ? "in the future (clocks differ)" : "just now";
        }

        return age switch
        {
            { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalSeconds} s ago"),
            { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalMinutes} min ago"),
            { TotalDays: < 2 } => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalHours} h ago"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays} days ago"),
        };
    }

    /// <summary>"snapshot 7 · 2026-11-28 14:03:07 (27 min ago) · change".</summary>
    public static string Describe(SnapshotSummary snapshot, TimeZoneInfo zone, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture,
            $"snapshot {snapshot.Id} · {Absolute(snapshot.TakenAt, zone)} ({Relative(snapshot.TakenAt, now)}) · {ReasonLabel(snapshot.Reason)}");

    /// <summary>"1 container, 16 namespaces".</summary>
    public static string Counts(SnapshotSummary snapshot) =>
        $"{Plural(snapshot.ContainerCount, "container")}, {Plural(snapshot.NamespaceCount, "namespace")}";

    public static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");

    /// <summary>Bytes in binary units, one decimal above a KiB: <c>812 B</c>, <c>4.2 MiB</c>.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        if (bytes < 1024)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{bytes} B");
        }

        var value = bytes / 1024.0;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
