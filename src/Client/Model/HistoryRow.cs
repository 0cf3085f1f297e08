using Dashboard.Shared.Contracts;
using MudBlazor;

namespace Dashboard.Client.Model;

/// <summary>One snapshot as the timeline shows it.</summary>
public sealed record HistoryRow
{
    public required SnapshotSummary Snapshot { get; init; }
    public required string TakenAt { get; init; }
    public required string Ago { get; init; }
    public required string Reason { get; init; }
    public required Color ReasonColor { get; init; }
    public required string ReasonIcon { get; init; }
    public required string ReasonTooltip { get; init; }
    /// <summary>The snapshot's Containers page.</summary>
    public required string OpenHref { get; init; }
    public required string JsonHref { get; init; }
    public required string FileName { get; init; }
    /// <summary>What changed since the snapshot listed below it (the one before it in the range); null for the last row.</summary>
    public string? ChangesHref { get; init; }

    public long Id => Snapshot.Id;

    /// <summary>The rows of one page, newest first as the API lists them.</summary>
    public static IReadOnlyList<HistoryRow> From(IReadOnlyList<SnapshotSummary> page, TimeZoneInfo zone, DateTimeOffset now) =>
        page.Select((s, i) => new HistoryRow
        {
            Snapshot = s,
            TakenAt = SnapshotDisplay.Absolute(s.TakenAt, zone),
            Ago = SnapshotDisplay.Relative(s.TakenAt, now),
            Reason = SnapshotDisplay.ReasonLabel(s.Reason),
            ReasonColor = SnapshotDisplay.ReasonColor(s.Reason),
            ReasonIcon = SnapshotDisplay.ReasonIcon(s.Reason),
            ReasonTooltip = SnapshotDisplay.ReasonTooltip(s.Reason),
            OpenHref = DashboardLinks.Snapshot(s.Id).Containers,
            JsonHref = DashboardLinks.SnapshotJson(s.Id),
            FileName = DashboardLinks.SnapshotFileName(s.Id),
            ChangesHref = i + 1 < page.Count ? DashboardLinks.Diff(page[i + 1].Id, s.Id) : null,
        }).ToList();
}
