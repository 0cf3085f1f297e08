using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.State;

internal static class NetworkLookup
{
    /// <summary>Full id, then name, then unique id prefix: the order the Docker CLI uses.</summary>
    public static (DockerNetworkInfo? Network, int Matches) Find(IReadOnlyList<DockerNetworkInfo> networks, string idOrName)
    {
        var (match, candidates) = DockerLookup.Find(networks, idOrName, n => n.Id, n => n.Name);
        return match is not null ? (match, 1) : (null, candidates.Count);
    }
}
