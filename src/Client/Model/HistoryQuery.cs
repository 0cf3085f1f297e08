using System.Globalization;

namespace Dashboard.Client.Model;

/// <summary>
/// What the History page lists: a time range and a page. It lives in the address (<c>?from=&amp;to=&amp;page=</c>),
/// so that coming back from a snapshot, or sharing the link, shows the same part of the timeline.
/// </summary>
public sealed record HistoryQuery
{
    /// <summary>Snapshots per page.</summary>
    public const int PageSize = 25;

    /// <summary>From this time on (inclusive); null for no lower bound.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Up to this time (inclusive); null for no upper bound.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>The page, from 1.</summary>
    public int Page { get; init; } = 1;

    public int Offset => (Page - 1) * PageSize;

    public bool HasRange => From is not null || To is not null;

    /// <summary>At least one page, so that an empty timeline still has a page 1.</summary>
    public static int PageCount(int total) => Math.Max(1, (total + PageSize - 1) / PageSize);

    /// <summary>Reads the address's parameters; what cannot be read is left out rather than refused.</summary>
    public static HistoryQuery Parse(string? from, string? to, string? page) => new()
    {
        From = ParseTime(from),
        To = ParseTime(to),
        Page = int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 ? p : 1,
    };

    /// <summary>The address's parameters; defaults are left out (null removes a parameter).</summary>
    public IReadOnlyDictionary<string, object?> ToParameters() => new Dictionary<string, object?>
    {
        ["from"] = From is { } f ? FormatTime(f) : null,
        ["to"] = To is { } t ? FormatTime(t) : null,
        ["page"] = Page > 1 ? Page.ToString(CultureInfo.InvariantCulture) : null,
    };

    /// <summary>ISO 8601 in UTC to the second, as the API reads it: <c>2026-11-28T14:03:07Z</c>.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>A time as a <c>datetime-local</c> input shows it: the wall clock in <paramref name="zone"/>.</summary>
    public static DateTime? ToLocalInput(DateTimeOffset? time, TimeZoneInfo zone) =>
        time is { } t ? DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(t, zone).DateTime, DateTimeKind.Unspecified) : null;

    /// <summary>The wall clock a <c>datetime-local</c> input gives, read in <paramref name="zone"/>.</summary>
    public static DateTimeOffset? FromLocalInput(DateTime? local, TimeZoneInfo zone)
    {
        if (local is not { } l)
        {
            return null;
        }

        var wall = DateTime.SpecifyKind(l, DateTimeKind.Unspecified);
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }

    /// <summary>"26–50 of 123 snapshots", or what an empty page means.</summary>
    public string ShowingText(int shown, int total) => total == 0
        ? HasRange ? "No snapshot in this time range." : "No snapshot yet."
        : shown == 0
            ? string.Create(CultureInfo.InvariantCulture, $"Page {Page} is past the end: {total} snapshot{(total == 1 ? "" : "s")} in all.")
            : string.Create(CultureInfo.InvariantCulture, $"{Offset + 1}–{Offset + shown} of {total} snapshot{(total == 1 ? "" : "s")}");
}
