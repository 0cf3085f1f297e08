using System.Globalization;
using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Model;

/// <summary>The type filter and search box of the namespaces page.</summary>
public static class NamespaceFilter
{
    /// <summary>
    /// True when the namespace has the type (or no type is asked for) and the query is empty or matches: part of
    /// the inode, exactly the lowest PID, or part of a container name, the command or a bind mount path.
    /// </summary>
    public static bool Matches(NamespaceSummary ns, NamespaceType? type, string? query)
    {
        if (type is { } t && ns.Type != t)
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(query))
        {
            return true;
        }

        var q = query.Trim();
        // A PID is matched exactly: "12" should not find every process whose PID contains 12.
        if (ns.LowestPid is { } pid && int.TryParse(q, NumberStyles.None, CultureInfo.InvariantCulture, out var wanted) && pid == wanted)
        {
            return true;
        }

        return ns.Inode.ToString(CultureInfo.InvariantCulture).Contains(q, StringComparison.Ordinal)
            || ns.Containers.Any(c => c.Contains(q, StringComparison.OrdinalIgnoreCase))
            || (ns.Command?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
            || ns.BindMounts.Any(m => m.Contains(q, StringComparison.Ordinal));
    }

    /// <summary>In the dashboard's type order, then by inode: the initial namespaces (lowest inodes) come first.</summary>
    public static IReadOnlyList<NamespaceSummary> Apply(IEnumerable<NamespaceSummary> namespaces, NamespaceType? type, string? query) =>
        namespaces.Where(ns => Matches(ns, type, query))
            .OrderBy(ns => ns.Type)
            .ThenBy(ns => ns.Inode)
            .ToList();

    /// <summary>How many namespaces there are of each of the eight types, zero included.</summary>
    public static IReadOnlyList<TypeCount> CountByType(IEnumerable<NamespaceSummary> namespaces)
    {
        var counts = namespaces.GroupBy(ns => ns.Type).ToDictionary(g => g.Key, g => g.Count());
        return NamespaceTypes.All.Select(t => new TypeCount(t, counts.GetValueOrDefault(t))).ToList();
    }

    /// <summary>Reads the <c>type</c> query parameter; anything but a kernel type name means all types.</summary>
    public static NamespaceType? ParseType(string? value) => NamespaceTypes.TryParse(value, out var type) ? type : null;
}

/// <summary>The number of namespaces of one type.</summary>
public readonly record struct TypeCount(NamespaceType Type, int Count);
