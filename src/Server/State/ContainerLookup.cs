using Dashboard.Shared.Contracts;

namespace Dashboard.Server.State;

/// <summary>The outcome of looking a container up the way the Docker CLI does.</summary>
internal readonly record struct ContainerLookupResult(ContainerInfo? Container, IReadOnlyList<ContainerInfo> Ambiguous)
{
    public bool Found => Container is not null;
    public bool IsAmbiguous => Ambiguous.Count > 1;
}

internal static class ContainerLookup
{
    /// <summary>Full id first, then name (with or without Docker's leading slash), then a unique id prefix.</summary>
    public static ContainerLookupResult Find(IReadOnlyList<ContainerInfo> containers, string idOrName)
    {
        // Routing leaves %2F encoded inside a segment; Docker names never contain '%', so decoding is safe.
        idOrName = Uri.UnescapeDataString(idOrName ?? "");
        if (idOrName.Length == 0)
        {
            return new(null, []);
        }

        if (containers.FirstOrDefault(c => c.Id == idOrName) is { } byId)
        {
            return new(byId, []);
        }

        var name = idOrName.StartsWith('/') ? idOrName[1..] : idOrName;
        if (containers.FirstOrDefault(c => c.Name == name) is { } byName)
        {
            return new(byName, []);
        }

        var matches = containers.Where(c => c.Id.StartsWith(idOrName, StringComparison.Ordinal)).ToList();
        return matches.Count == 1 ? new(matches[0], []) : new(null, matches);
    }
}
