using System.Net.Sockets;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;

namespace Dashboard.Server.State;

/// <summary>Joins the network collection with the scan and the containers: names for indexes, peers, owners. Pure.</summary>
internal static class NetnsInfoBuilder
{
    /// <summary>Every network namespace of the scan, the host's initial one first, then by inode.</summary>
    public static IReadOnlyList<NetnsInfo> Build(ProcScan scan, NetworkCollection network, IReadOnlyList<ContainerInfo> containers)
    {
        var initial = scan.InitialNamespaces.GetValueOrDefault(NamespaceType.Net);
        var processesByNetns = scan.Processes
            .Where(p => p.Namespaces.ContainsKey(NamespaceType.Net))
            .ToLookup(p => p.Namespaces[NamespaceType.Net]);
        var containersByNetns = containers
            .Where(c => c.Namespaces?.ContainsKey(NamespaceType.Net) == true)
            .ToLookup(c => c.Namespaces![NamespaceType.Net].Inode, c => new ContainerRef { Id = c.Id, Name = c.Name });

        return scan.Namespaces.Values
            .Where(n => n.Type == NamespaceType.Net)
            .OrderBy(n => n.Inode != initial).ThenBy(n => n.Inode)
            .Select(record =>
            {
                var collected = network.Namespaces.GetValueOrDefault(record.Inode);
                var snapshot = collected?.Snapshot;
                var lowest = processesByNetns[record.Inode].MinBy(p => p.Pid);
                return new NetnsInfo
                {
                    Inode = record.Inode,
                    Cookie = snapshot?.Cookie,
                    IsInitial = record.Inode == initial,
                    Containers = [.. containersByNetns[record.Inode].OrderBy(c => c.Name, StringComparer.Ordinal)],
                    ProcessCount = processesByNetns[record.Inode].Count(),
                    LowestPid = lowest?.Pid,
                    Command = lowest?.Command,
                    BindMounts = [.. record.BindMounts],
                    OpenDescriptors = [.. record.OpenDescriptors.OrderBy(d => d.Pid).ThenBy(d => d.Fd)],
                    Interfaces = snapshot is null ? [] : Interfaces(record.Inode, snapshot, network),
                    DefaultRoutes = snapshot is null ? [] : Routes(snapshot),
                    Sockets = collected is null ? [] : Sockets(collected.Sockets, scan.SocketOwners),
                    Error = collected is null ? "not collected" : collected.Error,
                };
            })
            .ToList();
    }

    /// <summary>Folds the kernel's link kinds (and the collector's loopback/tap) into the contract's few.</summary>
    public static NetInterfaceKind Kind(string kernelKind) => kernelKind switch
    {
        "loopback" => NetInterfaceKind.Loopback,
        "veth" => NetInterfaceKind.Veth,
        "bridge" => NetInterfaceKind.Bridge,
        "macvlan" or "macvtap" => NetInterfaceKind.Macvlan,
        "ipvlan" or "ipvtap" => NetInterfaceKind.Ipvlan,
        "vxlan" => NetInterfaceKind.Vxlan,
        "tun" => NetInterfaceKind.Tun,
        "tap" => NetInterfaceKind.Tap,
        "dummy" => NetInterfaceKind.Dummy,
        _ => NetInterfaceKind.Other,
    };

    private static List<NetInterfaceInfo> Interfaces(ulong inode, NetnsSnapshot snapshot, NetworkCollection network)
    {
        var names = NamesByIndex(snapshot);
        var addresses = snapshot.Addresses.ToLookup(a => a.InterfaceIndex, a => $"{a.Address}/{a.PrefixLength}");
        return snapshot.Interfaces
            .OrderBy(i => i.Index)
            .Select(i => new NetInterfaceInfo
            {
                Index = i.Index,
                Name = i.Name,
                Kind = Kind(i.Kind),
                Mac = i.Mac,
                Mtu = i.Mtu,
                State = i.OperState,
                Master = i.MasterIndex is { } master ? names.GetValueOrDefault(master) : null,
                Addresses = [.. addresses[i.Index]],
                Peer = Peer(new InterfaceKey(inode, i.Index), network),
            })
            .ToList();
    }

    private static NetPeerRef? Peer(InterfaceKey end, NetworkCollection network)
    {
        if (!network.VethPeers.TryGetValue(end, out var peer)
            || network.Namespaces.GetValueOrDefault(peer.Netns)?.Snapshot?.Interfaces.FirstOrDefault(i => i.Index == peer.Index) is not { } peerInterface)
        {
            return null;
        }

        return new NetPeerRef { NetnsInode = peer.Netns, Index = peer.Index, Name = peerInterface.Name };
    }

    private static List<NetDefaultRoute> Routes(NetnsSnapshot snapshot)
    {
        var names = NamesByIndex(snapshot);
        return snapshot.DefaultRoutes
            .Select(r => new NetDefaultRoute
            {
                Family = Family(r.Family),
                Gateway = r.Gateway?.ToString(),
                Interface = r.OutputInterfaceIndex is { } oif ? names.GetValueOrDefault(oif) : null,
            })
            .ToList();
    }

    private static List<NetSocketInfo> Sockets(IReadOnlyList<ListeningSocket> sockets, IReadOnlyDictionary<ulong, IReadOnlyList<int>> owners) => sockets
        .Select(s => new NetSocketInfo
        {
            // The file (tcp6, udp6) only says which family; the address says it too.
            Protocol = s.Protocol.TrimEnd('6'),
            Address = s.Address.ToString(),
            Port = s.Port,
            Pids = owners.TryGetValue(s.Inode, out var pids) ? [.. pids.Distinct().Order()] : [],
        })
        .OrderBy(s => s.Protocol, StringComparer.Ordinal).ThenBy(s => s.Port).ThenBy(s => s.Address, StringComparer.Ordinal)
        .ToList();

    private static Dictionary<int, string> NamesByIndex(NetnsSnapshot snapshot) =>
        snapshot.Interfaces.GroupBy(i => i.Index).ToDictionary(g => g.Key, g => g.First().Name);

    private static string Family(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4";
}
