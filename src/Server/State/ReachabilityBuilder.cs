using Dashboard.Shared.Contracts;

namespace Dashboard.Server.State;

/// <summary>
/// Which running containers can talk to which, worked out from namespaces and the engine's network settings; nothing
/// is probed. Pure.
/// </summary>
internal static class ReachabilityBuilder
{
    /// <param name="containers">All containers; only those with a network namespace (running) are paired.</param>
    /// <param name="networks">Docker networks, for their names, drivers and ICC flags.</param>
    /// <param name="hostNetns">The inode of the host's initial network namespace; null when unknown.</param>
    public static ReachabilityReport Build(IReadOnlyList<ContainerInfo> containers, IReadOnlyList<DockerNetworkInfo> networks, ulong? hostNetns)
    {
        var byId = networks.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var byName = networks.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var running = containers
            .Where(c => c.Namespaces?.ContainsKey(NamespaceType.Net) == true)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => new Member(
                new ContainerRef { Id = c.Id, Name = c.Name },
                c.Namespaces![NamespaceType.Net].Inode,
                c.Networks
                    .Select(e => e.NetworkId is { } id && byId.TryGetValue(id, out var n) ? n : byName.GetValueOrDefault(e.Network))
                    .OfType<DockerNetworkInfo>()
                    // host and none are not networks containers meet on: host is caught by the namespace, none isolates.
                    .Where(n => n.Driver is not ("host" or "null"))
                    .DistinctBy(n => n.Id)
                    .ToList()))
            .ToList();

        var pairs = new List<ReachabilityPair>();
        for (var i = 0; i < running.Count; i++)
        {
            for (var j = i + 1; j < running.Count; j++)
            {
                pairs.Add(Pair(running[i], running[j], hostNetns));
            }
        }

        return new ReachabilityReport { Pairs = pairs };
    }

    private static ReachabilityPair Pair(Member a, Member b, ulong? hostNetns)
    {
        var shared = a.Networks.Where(n => b.Networks.Any(m => m.Id == n.Id)).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var names = shared.Select(n => n.Name).ToList();
        ReachabilityPair Result(bool reachable, string reason) => new() { A = a.Ref, B = b.Ref, Reachable = reachable, Reason = reason, Networks = names };

        if (a.Netns == b.Netns)
        {
            return Result(true, a.Netns == hostNetns ? "both use the host's network namespace" : "same network namespace");
        }

        // --internal only cuts the way out of the host; containers on the network still meet on its bridge.
        if (shared.FirstOrDefault(n => n.EnableIcc) is { } open)
        {
            return Result(true, $"same Docker network {open.Name}");
        }

        if (shared.Count > 0)
        {
            return Result(false, $"inter-container communication is off on {string.Join(", ", names)}");
        }

        // The host's namespace holds every bridge with its gateway address, so it is on each bridge network;
        // ICC only filters traffic forwarded between two ports of the bridge, not traffic to the host.
        var other = a.Netns == hostNetns ? b : b.Netns == hostNetns ? a : null;
        if (other?.Networks.FirstOrDefault(n => n.BridgeInterface is not null) is { } bridged)
        {
            return Result(true, $"the host's network namespace holds the bridge of {bridged.Name}");
        }

        return Result(false, "no common network");
    }

    private sealed record Member(ContainerRef Ref, ulong Netns, IReadOnlyList<DockerNetworkInfo> Networks);
}
