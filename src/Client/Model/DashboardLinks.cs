using System.Globalization;
using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Model;

/// <summary>Addresses of the pages, relative to the base href.</summary>
public static class DashboardLinks
{
    public const string Containers = "containers";

    public static string Container(string idOrName) => $"containers/{Uri.EscapeDataString(idOrName)}";

    public static string Namespace(NamespaceType type, ulong inode) =>
        string.Create(CultureInfo.InvariantCulture, $"namespaces/{type.ToKernelName()}/{inode}");

    public static string Namespaces(NamespaceType? type = null, string? query = null)
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

        return parts.Count == 0 ? "namespaces" : "namespaces?" + string.Join("&", parts);
    }
}
