using System.Globalization;

namespace Dashboard.ComponentTests.Fakes;

/// <summary>
/// A host with <c>networks × perNetwork</c> containers, each alone in its netns with eth0 wired by veth to a port of its
/// network's bridge, shaped as <c>GET /api/topology</c> gives it; inodes and indexes are made up but unique.
/// </summary>
public static class FleetTopology
{
    private const ulong HostInode = 4026531840;

    public static string Network(int n) => $"network:{n:x64}";

    public static string Container(int n, int c) => $"container:{n * 1000 + c:x64}";

    public static string Netns(int n, int c) => $"netns:{NetnsInode(n, c)}:{n * 1000 + c + 10}";

    public static string Eth0(int n, int c) => $"if:{NetnsInode(n, c)}:{n * 1000 + c + 10}#2";

    public static string HostVeth(int n, int c) => $"if:{HostInode}:1#{100 + n * 100 + c}";

    public static string Bridge(int n) => $"if:{HostInode}:1#{10 + n}";

    public static TopologyGraph Build(int networks, int perNetwork)
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

        Node("host", TopologyNodeKinds.Host, "host", null, new() { ["inode"] = $"{HostInode}" });
        for (var n = 0; n < networks; n++)
        {
            var name = $"fleet-net{n}";
            var subnet = $"172.{20 + n}.0";
            Node(Network(n), TopologyNodeKinds.Network, name, null, new() { ["driver"] = "bridge", ["subnets"] = $"{subnet}.0/16" });
            Node(Bridge(n), TopologyNodeKinds.Bridge, $"br-{n:x12}", "host", new() { ["kind"] = "bridge", ["addresses"] = $"{subnet}.1/16" });
            Edge(TopologyEdgeKinds.MemberOf, Bridge(n), Network(n));
            for (var c = 0; c < perNetwork; c++)
            {
                var inode = NetnsInode(n, c).ToString(CultureInfo.InvariantCulture);
                Node(Netns(n, c), TopologyNodeKinds.Netns, $"fleet-n{n}-c{c:00}", null, new() { ["inode"] = inode });
                Node($"if:{inode}:{n * 1000 + c + 10}#1", TopologyNodeKinds.Interface, "lo", Netns(n, c), new() { ["kind"] = "loopback" });
                Node(Eth0(n, c), TopologyNodeKinds.Interface, "eth0", Netns(n, c), new() { ["kind"] = "veth", ["addresses"] = $"{subnet}.{c + 2}/16" });
                Node(HostVeth(n, c), TopologyNodeKinds.Interface, $"veth{n:x2}{c:x5}", "host", new() { ["kind"] = "veth", ["master"] = $"br-{n:x12}" });
                Edge(TopologyEdgeKinds.Veth, Eth0(n, c), HostVeth(n, c));
                Edge(TopologyEdgeKinds.BridgePort, HostVeth(n, c), Bridge(n));
                Node(Container(n, c), TopologyNodeKinds.Container, $"fleet-n{n}-c{c:00}", null, new() { ["image"] = "busybox" });
                Edge(TopologyEdgeKinds.MemberOf, Container(n, c), Netns(n, c));
                Edge(TopologyEdgeKinds.InNetwork, Container(n, c), Network(n));
            }
        }

        return new TopologyGraph { Nodes = nodes, Edges = edges };
    }

    private static ulong NetnsInode(int n, int c) => 4026532000UL + (ulong)(n * 100 + c);
}
