using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Model;

/// <summary>The quick filter of the containers page.</summary>
public static class ContainerFilter
{
    /// <summary>True when the query is empty or is found in the name, the image or the id (ignoring case).</summary>
    public static bool Matches(ContainerInfo container, string? query, bool runningOnly)
    {
        if (runningOnly && container.State != "running")
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(query))
        {
            return true;
        }

        var q = query.Trim();
        return container.Name.Contains(q, StringComparison.OrdinalIgnoreCase)
            || container.Image.Contains(q, StringComparison.OrdinalIgnoreCase)
            || container.Id.StartsWith(q, StringComparison.OrdinalIgnoreCase);
    }

    public static IReadOnlyList<ContainerInfo> Apply(IEnumerable<ContainerInfo> containers, string? query, bool runningOnly) =>
        containers.Where(c => Matches(c, query, runningOnly))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
}
