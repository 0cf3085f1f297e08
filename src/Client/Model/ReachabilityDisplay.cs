using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Model;

public static class ReachabilityDisplay
{
    /// <summary>The names of the containers the named one can reach, by the report's pairs; itself excluded.</summary>
    public static IReadOnlySet<string> ReachableFrom(ReachabilityReport? report, string? name)
    {
        if (report is null || name is null)
        {
            return new HashSet<string>(StringComparer.Ordinal);
        }

        return report.Pairs
            .Where(p => p.Reachable)
            .Select(p => p.A.Name == name ? p.B.Name : p.B.Name == name ? p.A.Name : null)
            .OfType<string>()
            .Where(other => other != name)
            .ToHashSet(StringComparer.Ordinal);
    }
}
