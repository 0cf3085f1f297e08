using Dashboard.ComponentTests.Fakes;

namespace Dashboard.ComponentTests.Model;

/// <summary>Fifty containers on five networks, as the issue asks the picture to carry: nothing on top of anything else.</summary>
public sealed class TopologyLayoutFleetTests
{
    private const int Networks = 5;
    private const int PerNetwork = 10;
    private static readonly TopologyDrawing Drawing = TopologyLayout.Compute(FleetTopology.Build(Networks, PerNetwork));

    private static TopologyBox BoxOf(string id) => Drawing.Boxes.Single(b => b.NodeId == id);

    private static bool Overlap(TopologyBox a, TopologyBox b) => a.X < b.Right && b.X < a.Right && a.Y < b.Bottom && b.Y < a.Bottom;

    private static IEnumerable<(int N, int C)> All() =>
        Enumerable.Range(0, Networks).SelectMany(n => Enumerable.Range(0, PerNetwork).Select(c => (n, c)));

    [Fact]
    public void Every_container_its_eth0_and_its_host_veth_are_drawn_once_and_no_two_boxes_overlap()
    {
        foreach (var (n, c) in All())
        {
            Assert.Single(Drawing.Boxes, b => b.NodeId == FleetTopology.Container(n, c));
            Assert.Single(Drawing.Boxes, b => b.NodeId == FleetTopology.Eth0(n, c));
            Assert.Single(Drawing.Boxes, b => b.NodeId == FleetTopology.HostVeth(n, c));
            var frame = BoxOf(FleetTopology.Netns(n, c));
            var container = BoxOf(FleetTopology.Container(n, c));
            Assert.True(container.X >= frame.X && container.Right <= frame.Right && container.Y >= frame.Y && container.Bottom <= frame.Bottom);
        }

        var boxes = Drawing.Boxes.Where(b => !b.IsFrame).ToList();
        var frames = Drawing.Boxes.Where(b => b.IsFrame).ToList();
        Assert.Equal(Networks * PerNetwork * 3 + Networks * 2, boxes.Count);
        foreach (var set in new[] { boxes, frames })
        {
            for (var i = 0; i < set.Count; i++)
            {
                for (var j = i + 1; j < set.Count; j++)
                {
                    Assert.False(Overlap(set[i], set[j]), $"{set[i].NodeId} overlaps {set[j].NodeId}");
                }
            }
        }
    }

    [Fact]
    public void No_two_wires_cross()
    {
        var pieces = Drawing.Segments.SelectMany(s => Pieces(s).Select(p => (s.EdgeId, Piece: p))).ToList();
        Assert.Equal(Networks * PerNetwork * 3 + Networks, Drawing.Segments.Count);
        for (var i = 0; i < pieces.Count; i++)
        {
            for (var j = i + 1; j < pieces.Count; j++)
            {
                if (pieces[i].EdgeId != pieces[j].EdgeId)
                {
                    Assert.False(Cross(pieces[i].Piece, pieces[j].Piece), $"{pieces[i].EdgeId} crosses {pieces[j].EdgeId}");
                }
            }
        }
    }

    [Fact]
    public void Each_network_is_a_group_of_its_own_containers_with_its_bridge_at_their_middle_within_the_columns_width()
    {
        Assert.Equal(Enumerable.Range(0, Networks).Select(n => $"fleet-net{n}"), Drawing.Groups.Select(g => g.Label));
        Assert.Equal(TopologyLayout.ColumnsWidth, Drawing.Width);
        for (var n = 0; n < Networks; n++)
        {
            var group = Drawing.Groups[n];
            var containers = Enumerable.Range(0, PerNetwork).Select(c => BoxOf(FleetTopology.Container(n, c))).ToList();
            Assert.All(containers, b => Assert.InRange(b.Y, group.Y, group.Y + group.Height - b.Height));
            var bridge = BoxOf(FleetTopology.Bridge(n));
            var network = BoxOf(FleetTopology.Network(n));
            Assert.InRange(bridge.MiddleY, containers[PerNetwork / 2 - 1].Y, containers[PerNetwork / 2].Bottom);
            Assert.Equal(bridge.MiddleY, network.MiddleY);
        }

        // The ports of one bridge share its bus: every bridge-port wire bends at the same x.
        foreach (var bus in Drawing.Segments.Where(s => s.Kind == TopologyEdgeKinds.BridgePort).GroupBy(s => s.Target))
        {
            Assert.Single(bus.Select(s => s.BendX).Distinct());
            Assert.NotNull(bus.First().BendX);
        }
    }

    private static IEnumerable<(double X1, double Y1, double X2, double Y2)> Pieces(TopologySegment s) => s.BendX is { } x
        ? [(s.X1, s.Y1, x, s.Y1), (x, s.Y1, x, s.Y2), (x, s.Y2, s.X2, s.Y2)]
        : [(s.X1, s.Y1, s.X2, s.Y2)];

    /// <summary>True when the two pieces cross at a point inside both; touching at an end or running along each other is not crossing.</summary>
    private static bool Cross((double X1, double Y1, double X2, double Y2) a, (double X1, double Y1, double X2, double Y2) b)
    {
        static double Turn(double ax, double ay, double bx, double by, double cx, double cy) =>
            Math.Sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));

        var d1 = Turn(b.X1, b.Y1, b.X2, b.Y2, a.X1, a.Y1);
        var d2 = Turn(b.X1, b.Y1, b.X2, b.Y2, a.X2, a.Y2);
        var d3 = Turn(a.X1, a.Y1, a.X2, a.Y2, b.X1, b.Y1);
        var d4 = Turn(a.X1, a.Y1, a.X2, a.Y2, b.X2, b.Y2);
        return d1 * d2 < 0 && d3 * d4 < 0;
    }
}
