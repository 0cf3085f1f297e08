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
        var (match, candidates) = DockerLookup.Find(containers, idOrName, c => c.Id, c => c.Name);
        return new(match, match is null ? candidates : []);
    }
}
