using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Model;

/// <summary>Explains a <c>uid_map</c> or <c>gid_map</c> in one line.</summary>
public static class IdMapDisplay
{
    // The initial user namespace maps every id onto itself: 0 0 4294967295.
    private const long FullRange = 4294967295;

    /// <param name="kind"><c>uid</c> or <c>gid</c>.</param>
    /// <param name="ranges">The map's lines.</param>
    /// <param name="parentIsHost">Whether the outside ids are the host's (the parent is the initial user namespace).</param>
    public static string Explain(string kind, IReadOnlyList<IdMapRange>? ranges, bool parentIsHost)
    {
        var outside = parentIsHost ? "on the host" : "in the parent user namespace";
        if (ranges is null || ranges.Count == 0)
        {
            return $"No {kind} is mapped: processes inside see every {kind} as the overflow id (65534, nobody).";
        }

        var first = ranges[0];
        if (ranges.Count == 1 && first is { InsideId: 0, OutsideId: 0, Count: FullRange })
        {
            return $"Identity map: every {kind} inside is the same {kind} {outside}.";
        }

        var line = $"{kind} {first.InsideId} inside is {kind} {first.OutsideId} {outside}";
        if (first.Count > 1)
        {
            line += $" ({first.Count} ids: {first.InsideId}–{first.InsideId + first.Count - 1} → {first.OutsideId}–{first.OutsideId + first.Count - 1})";
        }

        return ranges.Count > 1 ? $"{line}; {ranges.Count - 1} more range(s) below." : line + ".";
    }
}
