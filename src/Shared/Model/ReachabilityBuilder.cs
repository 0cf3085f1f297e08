using Dashboard.Shared.Contracts;

namespace Dashboard.Shared.Model;

/// <summary>
/// Which running containers can talk to which, worked out from namespaces and the engine's network settings; nothing
/// is probed. Pure, and shared: the server answers <c>GET /api/topology/reachability</c> with it; a live client and a
/// snapshot work the report out with it from the containers and networks they hold.
/// </summary>
public static class ReachabilityBuilder
{
    /// <summary>The report for a state's containers, networks and network namespaces (the host's is the initial one).</summary>
    public static ReachabilityReport Build(
        IReadOnlyList<ContainerInfo> containers, IReadOnlyList<DockerNetworkInfo> networks, IEnumerable<NetnsInfo> networkNamespaces) =>
        Build(containers, networks, networkNamespaces.FirstOrDefault(n => n.IsInitial)?.Inode);

    /// <param name="containers">All containers; only those with a network namespace (running) are paired.</param>
    /// <param name="networks">Docker networks, for their names, drivers and ICC flags.</param>
    /// <param name="hostNetns">The inode of the host's initial network namespace; null when unknown.</param>
    /// <returns>One pair per two running containers, ordered by the names (then ids) of the two.</returns>
    public static ReachabilityReport Build(IReadOnlyList<ContainerInfo> containers, IReadOnlyList<DockerNetworkInfo> networks, ulong? hostNetns)
    {
        var byId = networks.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var byName = networks.GroupBy(n => n.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var ordered = containers
            .Where(c => c.Namespaces?.ContainsKey(NamespaceType.Net) == true)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => (Container: c, Netns: c.Namespaces![NamespaceType.Net].Inode))
            .ToList();
        // What a container is attached to is what its network namespace is attached to: a --network container:X joiner
        // has no endpoints of its own but meets everything X meets.
        var byNetns = ordered
            .GroupBy(o => o.Netns)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<DockerNetworkInfo>)g
                .SelectMany(o => o.Container.Networks)
                .Select(e => e.NetworkId is { } id && byId.TryGetValue(id, out var n) ? n : byName.GetValueOrDefault(e.Network))
                .OfType<DockerNetworkInfo>()
                // host and none are not networks containers meet on: host is caught by the namespace, none isolates.
                .Where(n => n.Driver is not ("host" or "null"))
                .DistinctBy(n => n.Id)
                .ToList());
        var running = ordered
            .Select(o => new Member(new ContainerRef { Id = o.Container.Id, Name = o.Container.Name }, o.Netns, byNetns[o.Netns]))
            .ToList();

        // The answer for two containers follows from their networks (in the order they are attached: the host rule names
        // the first bridged one), whether each is in the host's namespace and whether they share one, and hosts have
        // few such classes: worked out once per two classes and that, not once per pair (a report has a pair per two
        // running containers).
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        var classOf = running
            .Select(m =>
            {
                var signature = $"{m.Netns == hostNetns}|{string.Join(',', m.Networks.Select(n => n.Id))}";
                classes.TryAdd(signature, classes.Count);
                return classes[signature];
            })
            .ToArray();
        var verdicts = new Dictionary<(int A, int B, bool SameNetns), Verdict>();
        var pairs = new List<ReachabilityPair>(running.Count * (running.Count - 1) / 2);
        for (var i = 0; i < running.Count; i++)
        {
            for (var j = i + 1; j < running.Count; j++)
            {
                var (a, b) = (running[i], running[j]);
                var key = (classOf[i], classOf[j], a.Netns == b.Netns);
                if (!verdicts.TryGetValue(key, out var verdict))
                {
                    verdict = Judge(a, b, hostNetns);
                    verdicts[key] = verdict;
                }

                pairs.Add(new ReachabilityPair { A = a.Ref, B = b.Ref, Reachable = verdict.Reachable, Reason = verdict.Reason, Networks = verdict.Networks });
            }
        }

        return new ReachabilityReport { Pairs = pairs };
    }

    private static Verdict Judge(Member a, Member b, ulong? hostNetns)
    {
        var shared = a.Networks.Where(n => b.Networks.Any(m => m.Id == n.Id)).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var names = shared.Select(n => n.Name).ToList();
        Verdict Result(bool reachable, string reason) => new(reachable, reason, names);

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

    private readonly record struct Verdict(bool Reachable, string Reason, IReadOnlyList<string> Networks);

    private sealed record Member(ContainerRef Ref, ulong Netns, IReadOnlyList<DockerNetworkInfo> Networks);
}
