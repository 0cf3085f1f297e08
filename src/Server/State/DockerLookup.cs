namespace Dashboard.Server.State;

/// <summary>Looks an object up the way the Docker CLI does: full id, then name, then a unique id prefix.</summary>
internal static class DockerLookup
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
}
