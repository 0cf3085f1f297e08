using Dashboard.Shared.Contracts;

namespace Dashboard.Server.State;

internal static class NetworkLookup
{
    /// <summary>Full id, then name, then unique id prefix: the order the Docker CLI uses.</summary>
    public static (DockerNetworkInfo? Network, int Matches) Find(IReadOnlyList<DockerNetworkInfo> networks, string idOrName)
    {
        idOrName = Uri.UnescapeDataString(idOrName ?? "");
        if (idOrName.Length == 0)
        {
            return (null, 0);
        }

        if ((networks.FirstOrDefault(n => n.Id == idOrName) ?? networks.FirstOrDefault(n => n.Name == idOrName)) is { } exact)
        {
            return (exact, 1);
        }

        var matches = networks.Where(n => n.Id.StartsWith(idOrName, StringComparison.Ordinal)).ToList();
        return matches.Count == 1 ? (matches[0], 1) : (null, matches.Count);
    }
}
