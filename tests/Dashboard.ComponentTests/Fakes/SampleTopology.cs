using Dashboard.Shared.Model;

namespace Dashboard.ComponentTests.Fakes;

/// <summary>
/// The wiring of <see cref="SampleData"/>'s host as <c>GET /api/topology</c> draws it: web1 (with web1-debug in its
/// netns) and web2 on mynetwork behind br-5e2f0a1c7d33, pidtool and remapped on the default bridge behind docker0,
/// each eth0 peered to a host vethXXX; the host's own eth0 and the loopbacks. Then namespaces no container is in:
/// ip netns blue wired by veth to the host (veth-blue) and to ip netns red, the hidden ip netns x and a process's
/// <c>unshare -n</c> namespace, both with nothing but a loopback.
/// </summary>
public static class SampleTopology
{
    public const string MyNetworkId = "5e2f0a1c7d3344b1a8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5";
    public const string BridgeNetworkId = "b7a1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff";
    public const string HostNetworkId = "0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5061728394a5b6c7d8e9f";

    public static string MyNetwork => $"network:{MyNetworkId}";
    public static string BridgeNetwork => $"network:{BridgeNetworkId}";
    public static string Docker0 => HostIf(3);
    public static string BrMyNetwork => HostIf(4);
    public static string Web1Eth0 => If(SampleData.Web1Net, 6);
    public static string Web1HostVeth => HostIf(7);
    public static string Web1Netns => Netns(SampleData.Web1Net);
    public const ulong BlueNet = 4026532601;
    public const ulong RedNet = 4026532602;
    public const ulong UnsharedNet = 4026532603;
    public static string BlueNetns => Netns(BlueNet);
    public static string RedNetns => Netns(RedNet);
    public static string HiddenNetns => Netns(SampleData.HiddenNet);
    public static string UnsharedNetns => Netns(UnsharedNet);
    public static string HostEth0 => HostIf(2);
    public static string HostVethBlue => HostIf(20);
    public static string BlueFromHost => If(BlueNet, 2);
    public static string BlueToRed => If(BlueNet, 3);
    public static string RedFromBlue => If(RedNet, 2);

    public static string ContainerId(string name) => $"container:{SampleData.Container(name).Id}";

    public static string HostIf(int index) => If(SampleData.Initial[NamespaceType.Net], index);

    public static TopologyGraph Graph { get; } = Build();

    /// <summary>The two Docker networks the sample containers are on, as <c>GET /api/networks</c> would list them.</summary>
    public static IReadOnlyList<DockerNetworkInfo> Networks { get; } =
    [
        Network(MyNetworkId, "mynetwork", "br-5e2f0a1c7d33", "172.18.0.0/16", "172.18.0.1"),
        Network(BridgeNetworkId, "bridge", "docker0", "172.17.0.0/16", "172.17.0.1"),
    ];

    /// <summary>What the product derives for the sample host (the verdicts and their wording are its own, not a copy).</summary>
    public static ReachabilityReport Reachability { get; } = ReachabilityBuilder.Build(SampleData.Containers, Networks, SampleData.Initial[NamespaceType.Net]);

    private static string Netns(ulong inode) => $"netns:{inode}.1";

    private static string If(ulong inode, int index) => $"if:{inode}.1#{index}";

    private static TopologyGraph Build()
    {
        var nodes = new List<TopologyNode>();
        var edges = new List<TopologyEdge>();
        void Edge(string kind, string source, string target) =>
            edges.Add(new TopologyEdge { Id = $"{kind}:{source}->{target}", Source = source, Target = target, Kind = kind });
        void Node(string id, string kind, string label, string? parent, Dictionary<string, string> details)
        {
            nodes.Add(new TopologyNode { Id = id, Kind = kind, Label = label, Parent = parent, Details = details });
            if (parent is not null)
            {
                Edge(TopologyEdgeKinds.MemberOf, id, parent);
            }
        }

        void Interface(ulong ns, int index, string name, string kind, string? address, string? master = null)
        {
            var details = new Dictionary<string, string> { ["index"] = $"{index}", ["kind"] = kind, ["mtu"] = "1500", ["state"] = "UP" };
            if (address is not null) details["addresses"] = address;
            if (master is not null) details["master"] = master;
            var parent = ns == SampleData.Initial[NamespaceType.Net] ? "host" : Netns(ns);
            Node(If(ns, index), kind == "bridge" ? TopologyNodeKinds.Bridge : TopologyNodeKinds.Interface, name, parent, details);
        }

        var host = SampleData.Initial[NamespaceType.Net];
        Node("host", TopologyNodeKinds.Host, "host", null, new() { ["inode"] = $"{host}", ["processes"] = "98" });
        var namespaces = new (ulong Inode, string Label)[]
        {
            (SampleData.Web1Net, "web1, web1-debug"), (4026532350, "web2"), (4026532423, "pidtool"), (4026532511, "remapped"),
        };
        foreach (var (inode, label) in namespaces)
        {
            Node(Netns(inode), TopologyNodeKinds.Netns, label, null, new() { ["inode"] = $"{inode}", ["processes"] = "1" });
        }

        var withoutContainers = new (ulong Inode, string KeptBy, string Processes)[]
        {
            (SampleData.HiddenNet, "ip netns x", "0"), (BlueNet, "ip netns blue", "0"), (RedNet, "ip netns red", "0"),
            (UnsharedNet, "pid 4242: sleep 3000", "1"),
        };
        foreach (var (inode, keptBy, processes) in withoutContainers)
        {
            Node(Netns(inode), TopologyNodeKinds.Netns, keptBy, null, new() { ["inode"] = $"{inode}", ["processes"] = processes, ["keptBy"] = keptBy });
        }

        Interface(host, 1, "lo", "loopback", "127.0.0.1/8");
        Interface(host, 2, "eth0", "other", "10.0.2.15/24");
        Interface(host, 3, "docker0", "bridge", "172.17.0.1/16");
        Interface(host, 4, "br-5e2f0a1c7d33", "bridge", "172.18.0.1/16");
        Interface(host, 7, "veth1a2b3c4", "veth", null, "br-5e2f0a1c7d33");
        Interface(host, 9, "veth5d6e7f8", "veth", null, "br-5e2f0a1c7d33");
        Interface(host, 11, "vetha1b2c3d", "veth", null, "docker0");
        Interface(host, 13, "vethe4f5a6b", "veth", null, "docker0");
        var wires = new (ulong Ns, int Index, string Address, int HostIndex, int Bridge)[]
        {
            (SampleData.Web1Net, 6, "172.18.0.2/16", 7, 4), (4026532350, 8, "172.18.0.3/16", 9, 4),
            (4026532423, 10, "172.17.0.2/16", 11, 3), (4026532511, 12, "172.17.0.3/16", 13, 3),
        };
        foreach (var (ns, index, address, hostIndex, bridge) in wires)
        {
            Interface(ns, 1, "lo", "loopback", "127.0.0.1/8");
            Interface(ns, index, "eth0", "veth", address);
            Edge(TopologyEdgeKinds.Veth, If(ns, index), HostIf(hostIndex));
            Edge(TopologyEdgeKinds.BridgePort, HostIf(hostIndex), HostIf(bridge));
        }

        Interface(SampleData.HiddenNet, 1, "lo", "loopback", null);
        Interface(UnsharedNet, 1, "lo", "loopback", null);
        Interface(host, 20, "veth-blue", "veth", "10.9.0.1/30");
        Interface(BlueNet, 1, "lo", "loopback", "127.0.0.1/8");
        Interface(BlueNet, 2, "eth-host", "veth", "10.9.0.2/30, fe80::1/64");
        Interface(BlueNet, 3, "to-red", "veth", null);
        Interface(RedNet, 1, "lo", "loopback", null);
        Interface(RedNet, 2, "to-blue", "veth", null);
        Edge(TopologyEdgeKinds.Veth, HostVethBlue, BlueFromHost);
        Edge(TopologyEdgeKinds.Veth, BlueToRed, RedFromBlue);

        Node(BridgeNetwork, TopologyNodeKinds.Network, "bridge", null,
            new() { ["id"] = BridgeNetworkId, ["driver"] = "bridge", ["bridge"] = "docker0", ["subnets"] = "172.17.0.0/16" });
        Node(MyNetwork, TopologyNodeKinds.Network, "mynetwork", null,
            new() { ["id"] = MyNetworkId, ["driver"] = "bridge", ["bridge"] = "br-5e2f0a1c7d33", ["subnets"] = "172.18.0.0/16" });
        Node($"network:{HostNetworkId}", TopologyNodeKinds.Network, "host", null, new() { ["id"] = HostNetworkId, ["driver"] = "host" });
        Edge(TopologyEdgeKinds.MemberOf, Docker0, BridgeNetwork);
        Edge(TopologyEdgeKinds.MemberOf, BrMyNetwork, MyNetwork);

        foreach (var c in SampleData.Containers.Where(c => c.Namespaces is not null).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var id = ContainerId(c.Name);
            Node(id, TopologyNodeKinds.Container, c.Name, null, new() { ["id"] = c.Id, ["image"] = c.Image, ["state"] = c.State });
            Edge(TopologyEdgeKinds.MemberOf, id, Netns(c.Namespaces![NamespaceType.Net].Inode));
            foreach (var endpoint in c.Networks)
            {
                Edge(TopologyEdgeKinds.InNetwork, id, endpoint.Network == "mynetwork" ? MyNetwork : BridgeNetwork);
            }
        }

        return new TopologyGraph { Nodes = nodes, Edges = edges };
    }

    private static DockerNetworkInfo Network(string id, string name, string bridge, string subnet, string gateway) => new()
    {
        Id = id,
        Name = name,
        Driver = "bridge",
        Internal = false,
        EnableIcc = true,
        Subnets = [subnet],
        Gateways = [gateway],
        BridgeInterface = bridge,
        Containers = SampleData.Containers
            .SelectMany(c => c.Networks.Where(e => e.Network == name).Select(e => new NetworkMember { Id = c.Id, Name = c.Name, IPv4Address = e.IPv4Address, MacAddress = e.MacAddress }))
            .ToList(),
    };
}
