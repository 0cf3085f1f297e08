using System.Globalization;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Model;

/// <summary>
/// Addresses of the pages, relative to the base href: those of the live state, or those of one snapshot under
/// <c>history/{id}/</c>, so that a link followed inside a past view stays in that past.
/// </summary>
public sealed class DashboardLinks
{
    /// <summary>The timeline of snapshots.</summary>
    public const string History = "history";

    private DashboardLinks(string prefix) => Prefix = prefix;

    /// <summary>The live pages.</summary>
    public static DashboardLinks Live { get; } = new("");

    /// <summary>The pages a component links to: those of the past view that cascades <paramref name="pastData"/>, else the live ones.</summary>
    public static DashboardLinks In(IDashboardData? pastData) => pastData?.Links ?? Live;

    /// <summary>The pages of one snapshot.</summary>
    public static DashboardLinks Snapshot(long id) => new(string.Create(CultureInfo.InvariantCulture, $"history/{id}/"));

    /// <summary>What comes before every address: empty for the live pages, <c>history/{id}/</c> for a snapshot's.</summary>
    public string Prefix { get; }

    public string Containers => Prefix + "containers";

    public string Topology => Prefix + "topology";

    public string Container(string idOrName) => $"{Prefix}containers/{Uri.EscapeDataString(idOrName)}";

    public string Namespace(NamespaceType type, ulong inode) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}namespaces/{type.ToKernelName()}/{inode}");

    public string Namespaces(NamespaceType? type = null, string? query = null)
    {
        var parts = new List<string>();
        if (type is { } t)
        {
            parts.Add("type=" + t.ToKernelName());
        }

        if (!string.IsNullOrWhiteSpace(query))
        {
            parts.Add("q=" + Uri.EscapeDataString(query.Trim()));
        }

        return parts.Count == 0 ? Prefix + "namespaces" : Prefix + "namespaces?" + string.Join("&", parts);
    }

    /// <summary>The snapshot as JSON, as the REST API serves it (a download link).</summary>
    public static string SnapshotJson(long id) => string.Create(CultureInfo.InvariantCulture, $"api/snapshots/{id}");

    /// <summary>The name a downloaded snapshot is saved under.</summary>
    public static string SnapshotFileName(long id) => string.Create(CultureInfo.InvariantCulture, $"snapshot-{id}.json");

    /// <summary>What changed from snapshot <paramref name="from"/> to snapshot <paramref name="to"/>.</summary>
    public static string Diff(long from, long to) => string.Create(CultureInfo.InvariantCulture, $"history/{from}/diff/{to}");
}
