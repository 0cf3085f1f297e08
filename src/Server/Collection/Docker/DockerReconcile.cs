namespace Dashboard.Server.Collection.Docker;

/// <summary>What one refresh must ask the engine, given what is cached, what the list shows and what events named.</summary>
internal sealed record DockerRefreshPlan(
    IReadOnlyList<string> InspectContainers,
    IReadOnlyList<string> RemoveContainers,
    IReadOnlyList<string> InspectNetworks,
    IReadOnlyList<string> RemoveNetworks);

/// <summary>Pure planning of a targeted refresh: inspect only what is new, changed, or named by an event.</summary>
internal static class DockerReconcile
{
    /// <param name="cachedFingerprints">Container id → fingerprint of its list entry when it was last inspected.</param>
    /// <param name="cachedNetworksOf">Container id → ids of the networks it was on when last inspected.</param>
    /// <param name="cachedNetworks">Ids of the networks cached.</param>
    /// <param name="listing">What the engine lists now.</param>
    /// <param name="dirtyContainers">Containers named by events since the last refresh.</param>
    /// <param name="dirtyNetworks">Networks named by events since the last refresh.</param>
    public static DockerRefreshPlan Plan(
        IReadOnlyDictionary<string, string> cachedFingerprints,
        IReadOnlyDictionary<string, IReadOnlyList<string>> cachedNetworksOf,
        IReadOnlySet<string> cachedNetworks,
        DockerListing listing,
        IReadOnlySet<string> dirtyContainers,
        IReadOnlySet<string> dirtyNetworks)
    {
        var inspectContainers = listing.Containers
            .Where(kv => dirtyContainers.Contains(kv.Key)
                || !cachedFingerprints.TryGetValue(kv.Key, out var fingerprint)
                || fingerprint != kv.Value)
            .Select(kv => kv.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        var removeContainers = cachedFingerprints.Keys
            .Where(id => !listing.Containers.ContainsKey(id))
            .Order(StringComparer.Ordinal)
            .ToList();

        // A container that changed may have joined or left networks: their member lists change with it. Networks it
        // joins are found after its inspect (see AffectedNetworks); the ones it was on are known now.
        var listed = listing.NetworkIds.ToHashSet(StringComparer.Ordinal);
        var affected = inspectContainers.Concat(removeContainers)
            .SelectMany(id => cachedNetworksOf.TryGetValue(id, out var networks) ? networks : []);
        var inspectNetworks = listing.NetworkIds
            .Where(id => !cachedNetworks.Contains(id) || dirtyNetworks.Contains(id))
            .Concat(affected.Where(listed.Contains))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var removeNetworks = cachedNetworks
            .Where(id => !listed.Contains(id))
            .Order(StringComparer.Ordinal)
            .ToList();
        return new DockerRefreshPlan(inspectContainers, removeContainers, inspectNetworks, removeNetworks);
    }

    /// <summary>What a Docker event makes stale: the containers and networks it names.</summary>
    public static (string? Container, string? Network) Stale(DockerEvent e) => e.Type switch
    {
        "container" => (e.ActorId, null),
        // connect/disconnect name the container in an attribute; create/destroy name the network only.
        "network" => (e.Attributes.TryGetValue("container", out var container) ? container : null, e.ActorId),
        _ => (null, null),
    };
}
