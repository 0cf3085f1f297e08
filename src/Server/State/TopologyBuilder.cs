using System.Globalization;
using Dashboard.Shared.Contracts;

namespace Dashboard.Server.State;

/// <summary>Draws the network namespaces, containers and Docker networks of one state as a graph. Pure.</summary>
internal static class TopologyBuilder
{
    public const string HostId = "host";

    // `ip netns add` mounts under /run/netns (/var/run/netns is a link to it on current distributions).
    private static readonly string[] s_ipNetnsDirectories = ["/run/netns/", "/var/run/netns/"];

    /// <param name="containers">All containers; only those with a network namespace (running) become nodes.</param>
    /// <param name="networks">Docker networks.</param>
    /// <param name="netns">Every network namespace with its interfaces.</param>
    /// <param name="generations">
    /// From <see cref="TopologyIdentity"/>, for namespaces without a cookie; an inode missing here counts as generation 1.
    /// </param>
    public static TopologyGraph Build(
        IReadOnlyList<ContainerInfo> containers,
        IReadOnlyList<DockerNetworkInfo> networks,
        IReadOnlyList<NetnsInfo> netns,
        IReadOnlyDictionary<ulong, int> generations)
    {
        var nodes = new List<TopologyNode>();
        var edges = new List<TopologyEdge>();
        var nodeIds = new HashSet<string>(StringComparer.Ordinal);
        var edgeIds = new HashSet<string>(StringComparer.Ordinal);
        void AddNode(TopologyNode node)
        {
            if (nodeIds.Add(node.Id))
            {
                nodes.Add(node);
            }
        }

        void AddEdge(string kind, string source, string target)
        {
            var id = $"{kind}:{source}->{target}";
            if (edgeIds.Add(id))
            {
                edges.Add(new TopologyEdge { Id = id, Source = source, Target = target, Kind = kind });
            }
        }

        var host = netns.FirstOrDefault(n => n.IsInitial);
        var cookies = netns.Where(n => n.Cookie is not null).GroupBy(n => n.Inode).ToDictionary(g => g.Key, g => g.First().Cookie);
        string Stamp(ulong inode) => TopologyIdentity.Stamp(inode, cookies.GetValueOrDefault(inode), generations.GetValueOrDefault(inode, 1));
        string NamespaceId(ulong inode) => host is not null && inode == host.Inode
            ? HostId
            : $"netns:{Stamp(inode)}";
        string InterfaceId(ulong inode, int index) => $"if:{Stamp(inode)}#{index.ToString(CultureInfo.InvariantCulture)}";

        // The host node exists even when the scan could not tell which namespace is the initial one.
        AddNode(new TopologyNode
        {
            Id = HostId,
            Kind = TopologyNodeKinds.Host,
            Label = "host",
            Details = host is null ? new Dictionary<string, string>() : NamespaceDetails(host),
        });
        foreach (var ns in netns.Where(n => !n.IsInitial))
        {
            AddNode(new TopologyNode
            {
                Id = NamespaceId(ns.Inode),
                Kind = TopologyNodeKinds.Netns,
                Label = NamespaceLabel(ns),
                Details = NamespaceDetails(ns),
            });
        }

        var known = netns.ToDictionary(n => n.Inode);
        foreach (var ns in netns)
        {
            var parent = NamespaceId(ns.Inode);
            var byName = ns.Interfaces.GroupBy(i => i.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var i in ns.Interfaces)
            {
                var id = InterfaceId(ns.Inode, i.Index);
                AddNode(new TopologyNode
                {
                    Id = id,
                    Kind = i.Kind == NetInterfaceKind.Bridge ? TopologyNodeKinds.Bridge : TopologyNodeKinds.Interface,
                    Label = i.Name,
                    Parent = parent,
                    Details = InterfaceDetails(i),
                });
                AddEdge(TopologyEdgeKinds.MemberOf, id, parent);

                // Each pair is listed from both ends; one edge, from the end whose id sorts first.
                if (i.Peer is { } peer && known.TryGetValue(peer.NetnsInode, out var peerNs) && peerNs.Interfaces.Any(p => p.Index == peer.Index))
                {
                    var peerId = InterfaceId(peer.NetnsInode, peer.Index);
                    if (string.CompareOrdinal(id, peerId) < 0)
                    {
                        AddEdge(TopologyEdgeKinds.Veth, id, peerId);
                    }
                    else
                    {
                        AddEdge(TopologyEdgeKinds.Veth, peerId, id);
                    }
                }

                // A master is always in the port's own namespace.
                if (i.Master is { } master && byName.TryGetValue(master, out var bridge) && bridge.Kind == NetInterfaceKind.Bridge)
                {
                    AddEdge(TopologyEdgeKinds.BridgePort, id, InterfaceId(ns.Inode, bridge.Index));
                }
            }
        }

        var networkIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in networks)
        {
            var id = $"network:{n.Id}";
            networkIds[n.Id] = id;
            networkIds.TryAdd(n.Name, id);
            AddNode(new TopologyNode { Id = id, Kind = TopologyNodeKinds.Network, Label = n.Name, Details = NetworkDetails(n) });

            // The engine creates its bridges in its own namespace, which is the host's unless it runs in a container.
            var bridge = n.BridgeInterface is { } name && host is not null
                ? host.Interfaces.FirstOrDefault(i => i.Kind == NetInterfaceKind.Bridge && i.Name == name)
                : null;
            if (bridge is not null)
            {
                AddEdge(TopologyEdgeKinds.MemberOf, InterfaceId(host!.Inode, bridge.Index), id);
            }
        }

        foreach (var c in containers.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (c.Namespaces?.GetValueOrDefault(NamespaceType.Net) is not { } net)
            {
                continue;
            }

            var id = $"container:{c.Id}";
            AddNode(new TopologyNode { Id = id, Kind = TopologyNodeKinds.Container, Label = c.Name, Details = ContainerDetails(c) });
            // The namespace the container is really in, whatever HostConfig asked for: host, its own, or the one it joined.
            var nsId = NamespaceId(net.Inode);
            if (nodeIds.Contains(nsId))
            {
                AddEdge(TopologyEdgeKinds.MemberOf, id, nsId);
            }

            foreach (var endpoint in c.Networks)
            {
                if ((endpoint.NetworkId is { } nid && networkIds.TryGetValue(nid, out var networkId))
                    || networkIds.TryGetValue(endpoint.Network, out networkId))
                {
                    AddEdge(TopologyEdgeKinds.InNetwork, id, networkId);
                }
            }
        }

        return new TopologyGraph { Nodes = nodes, Edges = edges };
    }

    private static string NamespaceLabel(NetnsInfo ns) =>
        ns.Containers.Count > 0 ? string.Join(", ", ns.Containers.Select(c => c.Name))
        : KeptBy(ns) ?? $"net:[{ns.Inode.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary>
    /// What keeps a namespace alive, in the words a user would look for it by: the <c>ip netns</c> name, else the bind
    /// mount, else its lowest process, else a descriptor on it. Null when the scan saw none of these.
    /// </summary>
    internal static string? KeptBy(NetnsInfo ns)
    {
        if (ns.BindMounts.Select(IpNetnsName).OfType<string>().FirstOrDefault() is { } name)
        {
            return $"ip netns {name}";
        }

        if (ns.BindMounts.Count > 0)
        {
            return ns.BindMounts[0];
        }

        if (ns.LowestPid is { } pid)
        {
            return ns.Command is { Length: > 0 } command ? $"pid {pid.ToString(CultureInfo.InvariantCulture)}: {command}" : $"pid {pid.ToString(CultureInfo.InvariantCulture)}";
        }

        return ns.OpenDescriptors.Count > 0
            ? string.Create(CultureInfo.InvariantCulture, $"fd {ns.OpenDescriptors[0].Fd} of pid {ns.OpenDescriptors[0].Pid}")
            : null;
    }

    private static string? IpNetnsName(string path) => s_ipNetnsDirectories
        .Where(dir => path.Length > dir.Length && path.StartsWith(dir, StringComparison.Ordinal) && path.IndexOf('/', dir.Length) < 0)
        .Select(dir => path[dir.Length..])
        .FirstOrDefault();

    private static Dictionary<string, string> NamespaceDetails(NetnsInfo ns)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["inode"] = ns.Inode.ToString(CultureInfo.InvariantCulture),
            ["processes"] = ns.ProcessCount.ToString(CultureInfo.InvariantCulture),
        };
        if (ns.Cookie is { } cookie) details["cookie"] = cookie.ToString(CultureInfo.InvariantCulture);
        if (ns.LowestPid is { } pid) details["lowestPid"] = pid.ToString(CultureInfo.InvariantCulture);
        if (ns.Command is { Length: > 0 } command) details["command"] = command;
        AddIfAny(details, "bindMounts", ns.BindMounts);
        AddIfAny(details, "openFds", ns.OpenDescriptors.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Pid}/{d.Fd}")));
        AddIfAny(details, "containers", ns.Containers.Select(c => c.Name));
        if (ns.Containers.Count == 0 && KeptBy(ns) is { } keeper) details["keptBy"] = keeper;
        AddIfAny(details, "defaultRoutes", ns.DefaultRoutes.Select(r => $"{r.Gateway ?? "direct"} via {r.Interface ?? "?"}"));
        if (ns.Error is { } error)
        {
            details["error"] = error;
        }

        return details;
    }

    private static Dictionary<string, string> InterfaceDetails(NetInterfaceInfo i)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["index"] = i.Index.ToString(CultureInfo.InvariantCulture),
            ["kind"] = i.Kind.ToString().ToLowerInvariant(),
            ["mtu"] = i.Mtu.ToString(CultureInfo.InvariantCulture),
            ["state"] = i.State,
        };
        if (i.Mac is { } mac) details["mac"] = mac;
        if (i.Master is { } master) details["master"] = master;
        AddIfAny(details, "addresses", i.Addresses);
        return details;
    }

    private static Dictionary<string, string> NetworkDetails(DockerNetworkInfo n)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["id"] = n.Id,
            ["driver"] = n.Driver,
            ["internal"] = n.Internal ? "true" : "false",
            ["enableIcc"] = n.EnableIcc ? "true" : "false",
        };
        if (n.BridgeInterface is { } bridge) details["bridge"] = bridge;
        AddIfAny(details, "subnets", n.Subnets);
        AddIfAny(details, "gateways", n.Gateways);
        return details;
    }

    private static Dictionary<string, string> ContainerDetails(ContainerInfo c)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["id"] = c.Id,
            ["image"] = c.Image,
            ["state"] = c.State,
        };
        if (c.HostConfig.NetworkMode is { } mode) details["networkMode"] = mode;
        AddIfAny(details, "addresses", c.Networks.SelectMany(e => new[] { e.IPv4Address, e.IPv6Address }).OfType<string>().Where(a => a.Length > 0));
        return details;
    }

    private static void AddIfAny(Dictionary<string, string> details, string key, IEnumerable<string> values)
    {
        var joined = string.Join(", ", values);
        if (joined.Length > 0)
        {
            details[key] = joined;
        }
    }
}
