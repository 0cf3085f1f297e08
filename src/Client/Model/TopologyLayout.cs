using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Model;

/// <summary>A node drawn as a box; <see cref="Column"/> is one of <see cref="TopologyLayout"/>'s columns.</summary>
public sealed record TopologyBox
{
    public required string NodeId { get; init; }
    public required string Kind { get; init; }
    public required string Title { get; init; }
    public string? Subtitle { get; init; }
    public required int Column { get; init; }
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double Width { get; init; }
    public required double Height { get; init; }

    /// <summary>A namespace frame drawn around its containers rather than beside them.</summary>
    public bool IsFrame { get; init; }

    public double Right => X + Width;
    public double Bottom => Y + Height;
    public double MiddleY => Y + Height / 2;
}

/// <summary>An edge of the graph drawn as a straight segment between two drawn boxes.</summary>
public sealed record TopologySegment
{
    public required string EdgeId { get; init; }
    public required string Source { get; init; }
    public required string Target { get; init; }
    public required string Kind { get; init; }
    public required double X1 { get; init; }
    public required double Y1 { get; init; }
    public required double X2 { get; init; }
    public required double Y2 { get; init; }
}

/// <summary>The horizontal band of one Docker network, or of the containers on none (<see cref="NetworkId"/> null).</summary>
public sealed record TopologyGroup
{
    public string? NetworkId { get; init; }
    public required string Label { get; init; }
    public required double Y { get; init; }
    public required double Height { get; init; }
}

public sealed record TopologyDrawing
{
    public required IReadOnlyList<TopologyBox> Boxes { get; init; }
    public required IReadOnlyList<TopologySegment> Segments { get; init; }
    public required IReadOnlyList<TopologyGroup> Groups { get; init; }
    public required double Width { get; init; }
    public required double Height { get; init; }
}

/// <summary>What to show: one network's group, and only the containers whose name contains a text.</summary>
public sealed record TopologyView
{
    public string? NetworkId { get; init; }
    public string? ContainerQuery { get; init; }
}

/// <summary>
/// Places the Docker wiring in five columns, network → bridge → host veth → container interface → container, one
/// horizontal group per network so a host with many containers reads as a few stacked groups. Built for this one
/// shape of graph on purpose: a general layered layout would not know that a bridge belongs beside its network.
/// </summary>
public static class TopologyLayout
{
    public const int NetworkColumn = 0;
    public const int BridgeColumn = 1;
    public const int HostVethColumn = 2;
    public const int InterfaceColumn = 3;
    public const int ContainerColumn = 4;

    public const double Margin = 16;
    public const double BoxHeight = 40;
    public const double RowHeight = 52;
    public const double GroupGap = 16;
    public const double FramePadding = 4;
    private const double ColumnGap = 44;
    private static readonly double[] ColumnWidths = [160, 150, 140, 160, 210];

    public static double ColumnX(int column)
    {
        var x = Margin;
        for (var i = 0; i < column; i++)
        {
            x += ColumnWidths[i] + ColumnGap;
        }

        // The container column holds frames, whose padding must not eat into the gap.
        return column == ContainerColumn ? x + FramePadding : x;
    }

    public static TopologyDrawing Compute(TopologyGraph graph, TopologyView? view = null)
    {
        view ??= new TopologyView();
        var nodes = graph.Nodes.GroupBy(n => n.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var peers = new Dictionary<string, string>(StringComparer.Ordinal);
        var bridgeOfPort = new Dictionary<string, string>(StringComparer.Ordinal);
        var networkOfBridge = new Dictionary<string, string>(StringComparer.Ordinal);
        var namespaceOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var networksOf = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var e in graph.Edges.Where(e => nodes.ContainsKey(e.Source) && nodes.ContainsKey(e.Target)))
        {
            var source = nodes[e.Source];
            var target = nodes[e.Target];
            switch (e.Kind)
            {
                case TopologyEdgeKinds.Veth:
                    peers[e.Source] = e.Target;
                    peers[e.Target] = e.Source;
                    break;
                case TopologyEdgeKinds.BridgePort when target.Kind == TopologyNodeKinds.Bridge:
                    bridgeOfPort[e.Source] = e.Target;
                    break;
                case TopologyEdgeKinds.MemberOf when source.Kind == TopologyNodeKinds.Bridge && target.Kind == TopologyNodeKinds.Network:
                    networkOfBridge[e.Source] = e.Target;
                    break;
                case TopologyEdgeKinds.MemberOf when source.Kind == TopologyNodeKinds.Container:
                    namespaceOf[e.Source] = e.Target;
                    break;
                case TopologyEdgeKinds.InNetwork when target.Kind == TopologyNodeKinds.Network:
                    (networksOf.TryGetValue(e.Source, out var list) ? list : networksOf[e.Source] = []).Add(e.Target);
                    break;
            }
        }

        string LabelOf(string id) => nodes[id].Label;

        // One band per namespace that holds containers: containers sharing a netns are drawn together.
        var bands = graph.Nodes
            .Where(n => n.Kind == TopologyNodeKinds.Container && namespaceOf.ContainsKey(n.Id))
            .GroupBy(n => namespaceOf[n.Id], StringComparer.Ordinal)
            .Select(g =>
            {
                var containers = g.OrderBy(c => c.Label, StringComparer.Ordinal).ToList();
                // Interfaces of the host namespace belong to the bridge side, not to host-network containers.
                var interfaces = nodes[g.Key].Kind == TopologyNodeKinds.Host
                    ? []
                    : graph.Nodes.Where(n => n.Parent == g.Key && n.Kind == TopologyNodeKinds.Interface && !IsLoopback(n))
                        .OrderBy(n => n.Label, StringComparer.Ordinal).ToList();
                return new Band(g.Key, containers, interfaces, BandNetwork(containers, interfaces));
            })
            .OrderBy(b => b.Containers[0].Label, StringComparer.Ordinal)
            .ToList();

        string? BandNetwork(List<TopologyNode> containers, List<TopologyNode> interfaces)
        {
            var attached = containers.SelectMany(c => networksOf.GetValueOrDefault(c.Id) ?? []);
            var wired = interfaces
                .Select(i => peers.GetValueOrDefault(i.Id) is { } p && bridgeOfPort.GetValueOrDefault(p) is { } b ? networkOfBridge.GetValueOrDefault(b) : null)
                .OfType<string>();
            return attached.Concat(wired).OrderBy(LabelOf, StringComparer.Ordinal).FirstOrDefault();
        }

        var query = view.ContainerQuery?.Trim();
        if (!string.IsNullOrEmpty(query))
        {
            bands = bands.Where(b => b.Containers.Any(c => c.Label.Contains(query, StringComparison.OrdinalIgnoreCase))).ToList();
        }

        var bridges = graph.Nodes.Where(n => n.Kind == TopologyNodeKinds.Bridge).OrderBy(n => n.Label, StringComparer.Ordinal).ToList();
        var groups = graph.Nodes.Where(n => n.Kind == TopologyNodeKinds.Network)
            .OrderBy(n => n.Label, StringComparer.Ordinal)
            .Select(n => new GroupDraft(n, bridges.Where(b => networkOfBridge.GetValueOrDefault(b.Id) == n.Id).ToList(), bands.Where(b => b.Network == n.Id).ToList()))
            .Append(new GroupDraft(null, bridges.Where(b => !networkOfBridge.ContainsKey(b.Id)).ToList(), bands.Where(b => b.Network is null).ToList()))
            // A network without a bridge or a container (host, none) would only add noise.
            .Where(g => g.Bands.Count > 0 || (string.IsNullOrEmpty(query) && g.Bridges.Count > 0))
            .Where(g => view.NetworkId is null || g.Network?.Id == view.NetworkId)
            .ToList();

        var boxes = new List<TopologyBox>();
        var drawnGroups = new List<TopologyGroup>();
        var y = Margin;
        foreach (var group in groups)
        {
            var top = y;
            if (group.Network is { } network)
            {
                boxes.Add(Box(network, NetworkColumn, top, Subtitle(network)));
            }

            for (var i = 0; i < group.Bridges.Count; i++)
            {
                boxes.Add(Box(group.Bridges[i], BridgeColumn, top + i * RowHeight, Subtitle(group.Bridges[i])));
            }

            var bandTop = top;
            foreach (var band in group.Bands)
            {
                var rows = Math.Max(band.Containers.Count, Math.Max(band.Interfaces.Count, 1));
                var frameX = ColumnX(ContainerColumn) - FramePadding;
                boxes.Add(new TopologyBox
                {
                    NodeId = band.Namespace,
                    Kind = nodes[band.Namespace].Kind,
                    Title = nodes[band.Namespace].Label,
                    Column = ContainerColumn,
                    X = frameX,
                    Y = bandTop,
                    Width = ColumnWidths[ContainerColumn] + 2 * FramePadding,
                    Height = rows * RowHeight - (RowHeight - BoxHeight) + 2 * FramePadding,
                    IsFrame = true,
                });
                var inode = nodes[band.Namespace].Details.GetValueOrDefault("inode");
                for (var i = 0; i < band.Containers.Count; i++)
                {
                    boxes.Add(Box(band.Containers[i], ContainerColumn, bandTop + FramePadding + i * RowHeight, inode is null ? null : $"net:[{inode}]"));
                }

                for (var i = 0; i < band.Interfaces.Count; i++)
                {
                    var rowY = bandTop + FramePadding + i * RowHeight;
                    boxes.Add(Box(band.Interfaces[i], InterfaceColumn, rowY, Subtitle(band.Interfaces[i])));
                    if (peers.GetValueOrDefault(band.Interfaces[i].Id) is { } peer && nodes[peer].Parent != band.Namespace)
                    {
                        boxes.Add(Box(nodes[peer], HostVethColumn, rowY, Subtitle(nodes[peer])));
                    }
                }

                bandTop += rows * RowHeight - (RowHeight - BoxHeight) + 2 * FramePadding + (RowHeight - BoxHeight);
            }

            var height = Math.Max(bandTop - top - (RowHeight - BoxHeight), Math.Max(group.Bridges.Count * RowHeight - (RowHeight - BoxHeight), BoxHeight));
            drawnGroups.Add(new TopologyGroup { NetworkId = group.Network?.Id, Label = group.Network?.Label ?? "no network", Y = top, Height = height });
            y = top + height + GroupGap;
        }

        // A host veth is drawn once even when two bands point at it.
        boxes = boxes.GroupBy(b => b.NodeId, StringComparer.Ordinal).Select(g => g.First()).ToList();
        var byId = boxes.ToDictionary(b => b.NodeId, StringComparer.Ordinal);
        var segments = graph.Edges
            .Where(e => byId.ContainsKey(e.Source) && byId.ContainsKey(e.Target) && IsDrawn(e, nodes))
            .Select(e => Segment(e, byId[e.Source], byId[e.Target]))
            .ToList();

        return new TopologyDrawing
        {
            Boxes = boxes,
            Segments = segments,
            Groups = drawnGroups,
            Width = ColumnX(ContainerColumn) + ColumnWidths[ContainerColumn] + FramePadding + Margin,
            Height = Math.Max(y - GroupGap + Margin, 2 * Margin + BoxHeight),
        };
    }

    private static bool IsLoopback(TopologyNode node) => node.Details.GetValueOrDefault("kind") == "loopback";

    // A container's membership is shown by its frame, the host's by the column, and in-network by the wire
    // through the bridge; drawing them too would cross the whole picture.
    private static bool IsDrawn(TopologyEdge edge, Dictionary<string, TopologyNode> nodes) => edge.Kind switch
    {
        TopologyEdgeKinds.InNetwork => false,
        TopologyEdgeKinds.MemberOf => nodes[edge.Source].Kind != TopologyNodeKinds.Container && nodes[edge.Target].Kind != TopologyNodeKinds.Host,
        _ => true,
    };

    private static TopologyBox Box(TopologyNode node, int column, double y, string? subtitle) => new()
    {
        NodeId = node.Id,
        Kind = node.Kind,
        Title = node.Label,
        Subtitle = subtitle,
        Column = column,
        X = ColumnX(column),
        Y = y,
        Width = ColumnWidths[column],
        Height = BoxHeight,
    };

    private static string? Subtitle(TopologyNode node)
    {
        var key = node.Kind == TopologyNodeKinds.Network ? "subnets" : "addresses";
        if (node.Details.GetValueOrDefault(key) is not { Length: > 0 } joined)
        {
            return node.Kind == TopologyNodeKinds.Network ? node.Details.GetValueOrDefault("driver") : null;
        }

        // A link-local IPv6 address is on every veth and says nothing on the picture; the details still list it.
        var values = joined.Split(", ")
            .Where(v => !v.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v.Contains(':', StringComparison.Ordinal))
            .ToList();
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => $"{values[0]} +{values.Count - 1}",
        };
    }

    private static TopologySegment Segment(TopologyEdge edge, TopologyBox source, TopologyBox target)
    {
        // Leave from the side that faces the other box; into a frame, keep the line level with the interface.
        var rightward = source.X < target.X;
        var (x1, x2) = rightward ? (source.Right, target.X) : (source.X, target.Right);
        var y1 = source.IsFrame ? Math.Clamp(target.MiddleY, source.Y, source.Bottom) : source.MiddleY;
        var y2 = target.IsFrame ? Math.Clamp(source.MiddleY, target.Y, target.Bottom) : target.MiddleY;
        return new TopologySegment { EdgeId = edge.Id, Source = edge.Source, Target = edge.Target, Kind = edge.Kind, X1 = x1, Y1 = y1, X2 = x2, Y2 = y2 };
    }

    private sealed record Band(string Namespace, List<TopologyNode> Containers, List<TopologyNode> Interfaces, string? Network);

    private sealed record GroupDraft(TopologyNode? Network, List<TopologyNode> Bridges, List<Band> Bands);
}
