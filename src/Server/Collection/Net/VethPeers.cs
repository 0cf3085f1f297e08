namespace Dashboard.Server.Collection.Net;

/// <summary>A netnsid as one namespace (the reporter) uses it: ids are local to the namespace that assigned them.</summary>
internal readonly record struct NetnsIdKey(ulong Reporter, int NetnsId);

/// <summary>An interface anywhere on the host: its namespace's inode and its index there.</summary>
internal readonly record struct InterfaceKey(ulong Netns, int Index);

/// <summary>
/// Pairs veth ends across namespaces. Pure: which namespaces to ask about a netnsid, and, once the kernel has said
/// which namespace each (reporter, netnsid) is, which interface each veth's peer is.
/// </summary>
internal static class VethPeers
{
    /// <summary>
    /// The kernel leaves IFLA_LINK out when the peer's index equals the interface's own, so a missing one means "same".
    /// </summary>
    public static int PeerIndex(NetInterface veth) => veth.LinkIndex ?? veth.Index;

    /// <summary>
    /// For each (reporter, netnsid) that some veth names, the other namespaces that could be behind it: those holding
    /// a veth at the peer index whose own peer index is ours and which also points into another namespace. Usually
    /// one, but indexes repeat across namespaces (every container's eth0 may have the same), so the kernel decides.
    /// </summary>
    public static IReadOnlyDictionary<NetnsIdKey, IReadOnlyList<ulong>> Candidates(IReadOnlyDictionary<ulong, NetnsSnapshot> snapshots)
    {
        var crossByIndex = snapshots
            .SelectMany(s => s.Value.Interfaces.Where(IsCrossNamespaceVeth).Select(i => (Netns: s.Key, Interface: i)))
            .ToLookup(e => e.Interface.Index);

        var result = new Dictionary<NetnsIdKey, List<ulong>>();
        foreach (var (reporter, snapshot) in snapshots.OrderBy(s => s.Key))
        {
            foreach (var veth in snapshot.Interfaces.Where(IsCrossNamespaceVeth))
            {
                var key = new NetnsIdKey(reporter, veth.LinkNetnsId!.Value);
                if (!result.TryGetValue(key, out var candidates))
                {
                    result[key] = candidates = [];
                }

                foreach (var (netns, other) in crossByIndex[PeerIndex(veth)])
                {
                    if (netns != reporter && PeerIndex(other) == veth.Index && !candidates.Contains(netns))
                    {
                        candidates.Add(netns);
                    }
                }
            }
        }

        return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<ulong>)kv.Value);
    }

    /// <summary>
    /// Each veth's peer, for those whose peer could be placed: in the same namespace (no netnsid), or in the namespace
    /// <paramref name="netnsIds"/> resolves its netnsid to, at the peer index, provided a veth is there.
    /// </summary>
    public static IReadOnlyDictionary<InterfaceKey, InterfaceKey> Resolve(
        IReadOnlyDictionary<ulong, NetnsSnapshot> snapshots,
        IReadOnlyDictionary<NetnsIdKey, ulong> netnsIds)
    {
        var result = new Dictionary<InterfaceKey, InterfaceKey>();
        foreach (var (netns, snapshot) in snapshots)
        {
            foreach (var veth in snapshot.Interfaces.Where(i => i.Kind == "veth"))
            {
                ulong peerNetns;
                if (veth.LinkNetnsId is { } id)
                {
                    if (!netnsIds.TryGetValue(new NetnsIdKey(netns, id), out peerNetns))
                    {
                        continue;
                    }
                }
                else if (veth.LinkIndex is null)
                {
                    // Same namespace and same index would be the interface itself: a veth whose peer is gone.
                    continue;
                }
                else
                {
                    peerNetns = netns;
                }

                var peerIndex = PeerIndex(veth);
                if (snapshots.TryGetValue(peerNetns, out var peerSnapshot)
                    && peerSnapshot.Interfaces.Any(i => i.Index == peerIndex && i.Kind == "veth"))
                {
                    result[new InterfaceKey(netns, veth.Index)] = new InterfaceKey(peerNetns, peerIndex);
                }
            }
        }

        return result;
    }

    private static bool IsCrossNamespaceVeth(NetInterface i) => i.Kind == "veth" && i.LinkNetnsId is not null;
}
