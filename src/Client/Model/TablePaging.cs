using System.Globalization;

namespace Dashboard.Client.Model;

/// <summary>
/// The pages of a long table (the containers, the namespaces): a fixed number of rows each, so that a host with
/// 300 containers or 1500 namespaces draws one page at a time while the filter still searches every row. The page is
/// part of the address (<c>?page=2</c>), so a link shows the same rows.
/// </summary>
public static class TablePaging
{
    /// <summary>Rows per page.</summary>
    public const int PageSize = 100;

    public static int PageCount(int total) => Math.Max(1, (total + PageSize - 1) / PageSize);

    /// <summary>The page to show: the one asked for, within the pages there are (a stale link shows the last one).</summary>
    public static int Clamp(int page, int total) => Math.Clamp(page, 1, PageCount(total));

    /// <summary>The rows of <paramref name="page"/> (clamped).</summary>
    public static IReadOnlyList<T> Slice<T>(IReadOnlyList<T> rows, int page)
    {
        if (rows.Count <= PageSize)
        {
            return rows;
        }

        var start = (Clamp(page, rows.Count) - 1) * PageSize;
        var count = Math.Min(PageSize, rows.Count - start);
        var slice = new T[count];
        for (var i = 0; i < count; i++)
        {
            slice[i] = rows[start + i];
        }

        return slice;
    }

    /// <summary>The <c>page</c> query parameter: a positive number, else the first page.</summary>
    public static int Parse(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1 ? page : 1;

    /// <summary>The <c>page</c> query parameter to write: none for the first page.</summary>
    public static string? Format(int page) => page > 1 ? page.ToString(CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// What the table shows, e.g. "101–200 of 300 containers", "12 of 300 containers" when the filter leaves one page,
    /// "101–112 of 112 matching (300 containers)".
    /// </summary>
    public static string Showing(int page, int matching, int total, string noun)
    {
        if (matching <= PageSize)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{matching} of {total} {noun}");
        }

        var p = Clamp(page, matching);
        var first = ((p - 1) * PageSize) + 1;
        var last = Math.Min(p * PageSize, matching);
        return matching == total
            ? string.Create(CultureInfo.InvariantCulture, $"{first}–{last} of {total} {noun}")
            : string.Create(CultureInfo.InvariantCulture, $"{first}–{last} of {matching} matching ({total} {noun})");
    }
}
