using Dashboard.Shared.Contracts;

namespace Dashboard.Shared.Model;

/// <summary>The outcome of looking a container up the way the Docker CLI does.</summary>
public readonly record struct ContainerLookupResult(ContainerInfo? Container, IReadOnlyList<ContainerInfo> Ambiguous)
{
    /// <summary>Whether exactly one container matched.</summary>
    public bool Found => Container is not null;
    /// <summary>Whether several containers' ids begin with what was asked for.</summary>
    public bool IsAmbiguous => Ambiguous.Count > 1;
}

/// <summary>
/// Looks an object up the way the Docker CLI does: full id, then name, then a unique id prefix. The server answers
/// its API with it and a snapshot's pages find their container with it, so both find the same one.
/// </summary>
public static class DockerLookup
{
    /// <returns>The match, or null with the candidates a prefix matched (several: ambiguous; none: unknown).</returns>
    public static (T? Match, IReadOnlyList<T> Candidates) Find<T>(IReadOnlyList<T> items, string idOrName, Func<T, string> id, Func<T, string> name)
        where T : class
    {
        // Routing leaves %2F encoded inside a segment; Docker ids and names never contain '%', so decoding is safe.
        idOrName = Uri.UnescapeDataString(idOrName ?? "");
        if (idOrName.Length == 0)
        {
            return (null, []);
        }

        // Container names carry a leading slash in the engine's own answers; accept it.
        var bareName = idOrName.StartsWith('/') ? idOrName[1..] : idOrName;
        if ((items.FirstOrDefault(i => id(i) == idOrName) ?? items.FirstOrDefault(i => name(i) == bareName)) is { } exact)
        {
            return (exact, []);
        }

        var matches = items.Where(i => id(i).StartsWith(idOrName, StringComparison.Ordinal)).ToList();
        return matches.Count == 1 ? (matches[0], []) : (null, matches);
    }

    /// <summary>A container by full id, name (with or without Docker's leading slash), or unique id prefix.</summary>
    public static ContainerLookupResult FindContainer(IReadOnlyList<ContainerInfo> containers, string idOrName)
    {
        var (match, candidates) = Find(containers, idOrName, c => c.Id, c => c.Name);
        return new(match, match is null ? candidates : []);
    }
}
