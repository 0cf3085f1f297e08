using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Model;

/// <summary>A node drawn as a box; <see cref="Column"/> is one of <see cref="TopologyLayout"/>'s columns.</summary>
public sealed record TopologyBox
{
    private readonly string? _key;

    public required string NodeId { get; init; }

    /// <summary>Unique within a drawing: the node id, except for a second box of the same node (the host's two frames).</summary>
    public string Key { get => _key ?? NodeId; init => _key = value; }

    public required string Kind { get; init; }
    public required string Title { get; init; }
    public string? Subtitle { get; init; }
    public required int Column { get; init; }
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double Width { get; init; }
    public required double Height { get; init; }

    /// <summary>A namespace frame drawn around its containers (or interfaces) rather than beside them.</summary>
    public bool IsFrame { get; init; }

    /// <summary>The strip at the top of a frame that carries its title; 0 for frames around containers, which name them.</summary>
    public double HeaderHeight { get; init; }

    /// <summary>A third line under the subtitle of a labelled frame, e.g. that it holds nothing but a loopback.</summary>
    public string? Note { get; init; }

    public double Right => X + Width;
    public double Bottom => Y + Height;
    public double MiddleY => Y + Height / 2;
}

/// <summary>
/// An edge of the graph drawn between two drawn boxes: a straight segment, or with <see cref="BendX"/> three: level from
/// (X1, Y1) to BendX, along BendX to Y2, level to (X2, Y2).
/// </summary>
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
    public double? BendX { get; init; }
}

/// <summary>
/// The horizontal band of one Docker network, of the containers on none (<see cref="NetworkId"/> null), or of the
/// network namespaces no container is in (<see cref="Caption"/> set).
/// </summary>
public sealed record TopologyGroup
{
    public string? NetworkId { get; init; }
    public required string Label { get; init; }
    /// <summary>Text drawn at the top of the band, for bands that have no network box to name them.</summary>
    public string? Caption { get; init; }
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

/// <summary>
/// What to show: one network's group, only the containers whose name contains a text, and whether to add the
/// namespaces that hold no container.
/// </summary>
public sealed record TopologyView
{
    public string? NetworkId { get; init; }
    public string? ContainerQuery { get; init; }
    public bool ShowNamespacesWithoutContainers { get; init; } = true;
}

/// <summary>
/// Places the Docker wiring in five columns, network → bridge → host veth → container interface → container, one
/// horizontal group per network so a host with many containers reads as a few stacked groups. Built for this one
/// shape of graph on purpose: a general layered layout would not know that a bridge belongs beside its network.
/// Below them, one band for the namespaces no container is in (<c>ip netns</c>, <c>unshare -n</c>, hidden ones) and
/// the host's own interfaces that are not Docker's, each namespace a labelled frame around its interfaces, laid out
/// left to right along their veth wires.
/// </summary>
public static class TopologyLayout
{
    public const int NetworkColumn = 0;
    public const int BridgeColumn = 1;
    public const int HostVethColumn = 2;
    public const int InterfaceColumn = 3;
    public const int ContainerColumn = 4;
    /// <summary>Not a column: boxes of the namespaces band, placed by the band's own layout.</summary>
    public const int NamespaceBand = 5;

    public const double Margin = 16;
    public const double BoxHeight = 34;
    public const double RowHeight = 42;
    public const double GroupGap = 16;
    public const double FramePadding = 3;
    public const double CaptionHeight = 26;
    public const double FrameHeaderHeight = 38;
    public const string NamespacesLabel = "namespaces without containers";
    private const double ColumnGap = 44;
    private const double LabelledFramePadding = 8;
    // Wider than an interface column: these frames are named by paths and commands, not by short container names.
    private const double LabelledInterfaceWidth = 184;
    private const double LabelledFrameGapX = 56;
    private const double LabelledFrameGapY = 14;
    private static readonly double[] ColumnWidths = [160, 150, 140, 160, 210];

    public static double ColumnX(int column)
    {
        var x = Margin;
        for (var i = 0; i < Math.Min(column, ColumnWidths.Length); i++)
        {
            x += ColumnWidths[i] + ColumnGap;
        }

        // The container column holds frames, whose padding must not eat into the gap.
        return column == ContainerColumn ? x + FramePadding : x;
    }

    /// <summary>The width of the five columns: the band of other namespaces wraps within it.</summary>
    public static double ColumnsWidth => ColumnX(ContainerColumn) + ColumnWidths[ContainerColumn] + FramePadding + Margin;

    public static TopologyDrawing Compute(TopologyGraph graph, TopologyView? view = null)
    {
        view ??= new TopologyView();
        var wiring = Wiring.Of(graph);
        var query = view.ContainerQuery?.Trim();
        var bands = ContainerBands(graph, wiring, query);
        var groups = NetworkGroups(graph, wiring, bands, view, query);
        var (boxes, drawnGroups, y) = PlaceGroups(groups, wiring);
        var width = ColumnsWidth;

        // The band of other namespaces says nothing about one Docker network, so a network filter leaves it out.
        if (view.ShowNamespacesWithoutContainers && view.NetworkId is null)
        {
            var frames = NamespaceFrames(graph, wiring.Nodes, wiring.Peers, wiring.WithContainers, query);
            if (frames.Count > 0)
            {
                var taken = boxes.Select(b => b.Key).ToHashSet(StringComparer.Ordinal);
                var (bandBoxes, bandHeight, bandWidth) = PlaceNamespaces(frames, wiring.Nodes, wiring.Peers, y + CaptionHeight, width, taken);
                boxes.AddRange(bandBoxes);
                drawnGroups.Add(new TopologyGroup { Label = NamespacesLabel, Caption = "Network namespaces without containers", Y = y, Height = CaptionHeight + bandHeight });
                y += CaptionHeight + bandHeight + GroupGap;
                width = Math.Max(width, bandWidth);
            }
        }

        return new TopologyDrawing
        {
            Boxes = boxes,
            Segments = Segments(graph, wiring, boxes),
            Groups = drawnGroups,
            Width = width,
            Height = Math.Max(y - GroupGap + Margin, 2 * Margin + BoxHeight),
        };
    }

    /// <summary>
    /// One band per namespace that holds containers (containers sharing a netns are drawn together), with the
    /// namespace's interfaces and the network the band is drawn in; with a name filter, the bands that match.
    /// </summary>
    private static List<Band> ContainerBands(TopologyGraph graph, Wiring wiring, string? query)
    {
        var nodes = wiring.Nodes;
        var bands = graph.Nodes
            .Where(n => n.Kind == TopologyNodeKinds.Container && wiring.NamespaceOf.ContainsKey(n.Id))
            .GroupBy(n => wiring.NamespaceOf[n.Id], StringComparer.Ordinal)
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
            var attached = containers.SelectMany(c => wiring.NetworksOf.GetValueOrDefault(c.Id) ?? []);
            var wired = interfaces
                .Select(i => wiring.Peers.GetValueOrDefault(i.Id) is { } p && wiring.BridgeOfPort.GetValueOrDefault(p) is { } b
                    ? wiring.NetworkOfBridge.GetValueOrDefault(b)
                    : null)
                .OfType<string>();
            return attached.Concat(wired).OrderBy(id => nodes[id].Label, StringComparer.Ordinal).FirstOrDefault();
        }

        return string.IsNullOrEmpty(query)
            ? bands
            : bands.Where(b => b.Containers.Any(c => c.Label.Contains(query, StringComparison.OrdinalIgnoreCase))).ToList();
    }

    /// <summary>One group per Docker network with its bridges and bands, and one for what is on no network.</summary>
    private static List<GroupDraft> NetworkGroups(TopologyGraph graph, Wiring wiring, List<Band> bands, TopologyView view, string? query)
    {
        // A bridge inside a namespace of the band is drawn in that namespace's frame, not beside the Docker networks.
        var bridges = graph.Nodes.Where(n => n.Kind == TopologyNodeKinds.Bridge && !wiring.InBand(n.Parent)).OrderBy(n => n.Label, StringComparer.Ordinal).ToList();
        var networkOfBridge = wiring.NetworkOfBridge;
        return graph.Nodes.Where(n => n.Kind == TopologyNodeKinds.Network)
            .OrderBy(n => n.Label, StringComparer.Ordinal)
            .Select(n => new GroupDraft(n, bridges.Where(b => networkOfBridge.GetValueOrDefault(b.Id) == n.Id).ToList(), bands.Where(b => b.Network == n.Id).ToList()))
            .Append(new GroupDraft(null, bridges.Where(b => !networkOfBridge.ContainsKey(b.Id)).ToList(), bands.Where(b => b.Network is null).ToList()))
            // A network without a bridge or a container (host, none) would only add noise.
            .Where(g => g.Bands.Count > 0 || (string.IsNullOrEmpty(query) && g.Bridges.Count > 0))
            .Where(g => view.NetworkId is null || g.Network?.Id == view.NetworkId)
            .ToList();
    }

    /// <summary>The groups stacked from the top: their boxes (a node once), their bands, and where the next thing goes.</summary>
    private static (List<TopologyBox> Boxes, List<TopologyGroup> Groups, double Y) PlaceGroups(List<GroupDraft> groups, Wiring wiring)
    {
        var nodes = wiring.Nodes;
        var boxes = new List<TopologyBox>();
        var drawnGroups = new List<TopologyGroup>();
        var y = Margin;
        foreach (var group in groups)
        {
            var top = y;
            var bandTop = top;
            foreach (var band in group.Bands)
            {
                bandTop = PlaceBand(band, bandTop, wiring, boxes);
            }

            var bridgesHeight = group.Bridges.Count * RowHeight - (RowHeight - BoxHeight);
            var height = Math.Max(bandTop - top - (RowHeight - BoxHeight), Math.Max(bridgesHeight, BoxHeight));

            // The network and its bridge stand at the middle of their containers, so that the bridge's ports spread
            // both ways along its bus rather than all hang from the top.
            if (group.Network is { } network)
            {
                boxes.Add(Box(network, NetworkColumn, top + (height - BoxHeight) / 2, Subtitle(network)));
            }

            var bridgesTop = top + (height - Math.Max(bridgesHeight, 0)) / 2;
            for (var i = 0; i < group.Bridges.Count; i++)
            {
                boxes.Add(Box(group.Bridges[i], BridgeColumn, bridgesTop + i * RowHeight, Subtitle(group.Bridges[i])));
            }

            drawnGroups.Add(new TopologyGroup { NetworkId = group.Network?.Id, Label = group.Network?.Label ?? "no network", Y = top, Height = height });
            y = top + height + GroupGap;
        }

        // A host veth is drawn once even when two bands point at it.
        return (boxes.GroupBy(b => b.NodeId, StringComparer.Ordinal).Select(g => g.First()).ToList(), drawnGroups, y);
    }

    /// <summary>A band's frame, containers, interfaces and their host ends from <paramref name="bandTop"/>; returns the next band's top.</summary>
    private static double PlaceBand(Band band, double bandTop, Wiring wiring, List<TopologyBox> boxes)
    {
        var nodes = wiring.Nodes;
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
            // The other end of a wire into a namespace of the band is drawn in that namespace's frame.
            if (wiring.Peers.GetValueOrDefault(band.Interfaces[i].Id) is { } peer && nodes[peer].Parent != band.Namespace && !wiring.InBand(nodes[peer].Parent))
            {
                boxes.Add(Box(nodes[peer], HostVethColumn, rowY, Subtitle(nodes[peer])));
            }
        }

        return bandTop + rows * RowHeight - (RowHeight - BoxHeight) + 2 * FramePadding + (RowHeight - BoxHeight);
    }

    /// <summary>A segment for every edge drawn between two drawn boxes.</summary>
    private static List<TopologySegment> Segments(TopologyGraph graph, Wiring wiring, List<TopologyBox> boxes)
    {
        var byId = boxes.GroupBy(b => b.NodeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return graph.Edges
            .Where(e => byId.ContainsKey(e.Source) && byId.ContainsKey(e.Target) && IsDrawn(e, wiring.Nodes, byId))
            .Select(e => Segment(e, byId[e.Source], byId[e.Target]))
            .ToList();
    }

    /// <summary>
    /// The namespaces of the band with their interfaces: every namespace no container is in, and the host with those
    /// of its interfaces that are not the host end of a container's wire (its NIC, veths into other namespaces).
    /// With a name filter, the frames whose title or an interface matches, and the frames wired to what matched.
    /// </summary>
    private static List<NamespaceFrame> NamespaceFrames(
        TopologyGraph graph, Dictionary<string, TopologyNode> nodes, Dictionary<string, string> peers, HashSet<string> withContainers, string? query)
    {
        bool IntoAContainer(TopologyNode i) => peers.GetValueOrDefault(i.Id) is { } peer && nodes[peer].Parent is { } parent
            && nodes.GetValueOrDefault(parent)?.Kind == TopologyNodeKinds.Netns && withContainers.Contains(parent);

        var children = graph.Nodes.Where(n => n.Parent is not null).ToLookup(n => n.Parent!, StringComparer.Ordinal);
        var frames = graph.Nodes
            .Where(n => n.Kind == TopologyNodeKinds.Host || (n.Kind == TopologyNodeKinds.Netns && !withContainers.Contains(n.Id)))
            .Select(n => new NamespaceFrame(n, children[n.Id]
                .Where(i => !IsLoopback(i) && (n.Kind == TopologyNodeKinds.Host
                    // The host's bridges stay beside their networks; its container wires, beside the containers.
                    ? i.Kind == TopologyNodeKinds.Interface && !IntoAContainer(i)
                    : i.Kind is TopologyNodeKinds.Interface or TopologyNodeKinds.Bridge))
                .OrderBy(i => i.Label, StringComparer.Ordinal)
                .ToList()))
            // An empty host frame says nothing; an empty namespace says it exists.
            .Where(f => f.Node.Kind != TopologyNodeKinds.Host || f.Interfaces.Count > 0)
            .OrderBy(f => f.Node.Kind != TopologyNodeKinds.Host).ThenBy(f => f.Node.Label, StringComparer.Ordinal)
            .ToList();

        if (string.IsNullOrEmpty(query))
        {
            return frames;
        }

        var frameOf = frames.SelectMany(f => f.Interfaces.Select(i => (i.Id, Frame: f))).ToDictionary(p => p.Id, p => p.Frame, StringComparer.Ordinal);
        bool Matches(string label) => label.Contains(query, StringComparison.OrdinalIgnoreCase);
        var matching = new HashSet<NamespaceFrame>();
        foreach (var frame in frames)
        {
            // A matching frame brings the frames at the other end of its wires; a matching interface, the one of its wire.
            var byTitle = Matches(frame.Node.Label);
            foreach (var i in frame.Interfaces.Where(i => byTitle || Matches(i.Label)))
            {
                matching.Add(frame);
                if (peers.GetValueOrDefault(i.Id) is { } peer && frameOf.TryGetValue(peer, out var other))
                {
                    matching.Add(other);
                }
            }

            if (byTitle)
            {
                matching.Add(frame);
            }
        }

        return frames.Where(matching.Contains).ToList();
    }

    /// <summary>
    /// Lays the frames out: frames joined by veth wires form a chain read left to right from the host (or from the
    /// first by name), one column per step along the wires; the chains, and the lone frames, then flow in rows
    /// within <paramref name="width"/>. Returns the boxes, the height used below <paramref name="top"/>, and the
    /// width needed (more than <paramref name="width"/> only when one chain is wider).
    /// </summary>
    private static (List<TopologyBox> Boxes, double Height, double Width) PlaceNamespaces(
        List<NamespaceFrame> frames, Dictionary<string, TopologyNode> nodes, Dictionary<string, string> peers, double top, double width, HashSet<string> taken)
    {
        var frameOf = frames.SelectMany(f => f.Interfaces.Select(i => (i.Id, Frame: f))).ToDictionary(p => p.Id, p => p.Frame, StringComparer.Ordinal);
        NamespaceFrame? PeerFrame(TopologyNode i) => peers.GetValueOrDefault(i.Id) is { } peer ? frameOf.GetValueOrDefault(peer) : null;

        // Breadth first along the wires: a frame's column is its distance from where its chain starts.
        var depth = new Dictionary<NamespaceFrame, int>();
        var chains = new List<List<NamespaceFrame>>();
        foreach (var start in frames)
        {
            if (depth.ContainsKey(start))
            {
                continue;
            }

            var chain = new List<NamespaceFrame> { start };
            depth[start] = 0;
            for (var i = 0; i < chain.Count; i++)
            {
                foreach (var next in chain[i].Interfaces.Select(PeerFrame).OfType<NamespaceFrame>().Distinct().OrderBy(f => f.Node.Label, StringComparer.Ordinal))
                {
                    if (depth.TryAdd(next, depth[chain[i]] + 1))
                    {
                        chain.Add(next);
                    }
                }
            }

            chains.Add(chain);
        }

        var rank = chains.SelectMany(c => c).Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i);
        var frameWidth = LabelledInterfaceWidth + 2 * LabelledFramePadding;
        double FrameHeight(NamespaceFrame f) => f.Interfaces.Count == 0
            ? FrameHeaderHeight + 16
            : FrameHeaderHeight + f.Interfaces.Count * RowHeight - (RowHeight - BoxHeight) + LabelledFramePadding;

        var boxes = new List<TopologyBox>();
        var maxRight = width - Margin;
        var (x, rowTop, rowBottom, right) = (Margin, top, top, Margin);
        foreach (var chain in chains)
        {
            // Each chain is placed from (0, 0) first, then moved to where it fits.
            var columns = chain.GroupBy(f => depth[f]).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
            var interfaceY = new Dictionary<string, double>(StringComparer.Ordinal);
            var placed = new List<TopologyBox>();
            var chainHeight = 0.0;
            int Side(NamespaceFrame frame, TopologyNode i) =>
                PeerFrame(i) is { } p && p != frame && depth[p] != depth[frame] ? (depth[p] < depth[frame] ? 0 : 1) : 2;
            double? Level(NamespaceFrame frame) => frame.Interfaces
                .Where(i => Side(frame, i) == 0)
                .Select(i => (double?)interfaceY[peers[i.Id]] - FrameHeaderHeight)
                .Min();

            for (var c = 0; c < columns.Count; c++)
            {
                var frameX = c * (frameWidth + LabelledFrameGapX);
                var frameY = 0.0;
                // A frame wired from the left stands level with its wire, in the order of the wires.
                foreach (var frame in columns[c].OrderBy(f => Level(f) ?? double.MaxValue).ThenBy(f => rank[f]))
                {
                    frameY = Math.Max(frameY, Level(frame) ?? frameY);
                    var node = frame.Node;
                    var inode = node.Details.GetValueOrDefault("inode");
                    placed.Add(new TopologyBox
                    {
                        NodeId = node.Id,
                        Key = taken.Add(node.Id) ? node.Id : $"{node.Id}@namespaces",
                        Kind = node.Kind,
                        Title = node.Label,
                        Subtitle = inode is null ? null : $"net:[{inode}]",
                        Note = frame.Interfaces.Count == 0 ? "no interface but lo" : null,
                        Column = NamespaceBand,
                        X = frameX,
                        Y = frameY,
                        Width = frameWidth,
                        Height = FrameHeight(frame),
                        IsFrame = true,
                        HeaderHeight = FrameHeaderHeight,
                    });

                    // Wires to the left first, level with their peers; then wires to the right, in the order the
                    // frames they lead to will stand; then the rest. Wires then seldom cross.
                    var ordered = frame.Interfaces
                        .OrderBy(i => Side(frame, i))
                        .ThenBy(i => Side(frame, i) switch { 0 => interfaceY[peers[i.Id]], 1 => rank[PeerFrame(i)!], _ => 0 })
                        .ThenBy(i => i.Label, StringComparer.Ordinal)
                        .ToList();
                    for (var i = 0; i < ordered.Count; i++)
                    {
                        var y = frameY + FrameHeaderHeight + i * RowHeight;
                        interfaceY[ordered[i].Id] = y;
                        placed.Add(Box(ordered[i], NamespaceBand, y, Subtitle(ordered[i])) with
                        {
                            X = frameX + LabelledFramePadding,
                            Width = LabelledInterfaceWidth,
                        });
                    }

                    frameY += FrameHeight(frame);
                    chainHeight = Math.Max(chainHeight, frameY);
                    frameY += LabelledFrameGapY;
                }
            }

            var chainWidth = columns.Count * frameWidth + (columns.Count - 1) * LabelledFrameGapX;
            if (x > Margin && x + chainWidth > maxRight)
            {
                (x, rowTop) = (Margin, rowBottom + LabelledFrameGapY);
            }

            boxes.AddRange(placed.Select(b => b with { X = b.X + x, Y = b.Y + rowTop }));
            rowBottom = Math.Max(rowBottom, rowTop + chainHeight);
            right = Math.Max(right, x + chainWidth);
            x += chainWidth + LabelledFrameGapX;
        }

        return (boxes, rowBottom - top, right + Margin);
    }

    private static bool IsLoopback(TopologyNode node) => node.Details.GetValueOrDefault("kind") == "loopback";

    // A container's membership is shown by its frame, the host's by the column, and in-network by the wire
    // through the bridge; drawing them too would cross the whole picture. An interface inside a labelled frame is
    // shown to be a member by being inside it.
    private static bool IsDrawn(TopologyEdge edge, Dictionary<string, TopologyNode> nodes, Dictionary<string, TopologyBox> boxes) => edge.Kind switch
    {
        TopologyEdgeKinds.InNetwork => false,
        TopologyEdgeKinds.MemberOf => nodes[edge.Source].Kind != TopologyNodeKinds.Container && nodes[edge.Target].Kind != TopologyNodeKinds.Host
            && boxes[edge.Target].HeaderHeight == 0,
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
        Width = ColumnWidths[column == NamespaceBand ? InterfaceColumn : column],
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
        // Leave from the side that faces the other box; into a frame, keep the line level with the interface. Two
        // boxes one above the other (in one frame, or in one column of the band) are joined along their left sides.
        var (x1, x2) = source.X == target.X ? (source.X, target.X)
            : source.X < target.X ? (source.Right, target.X)
            : (source.X, target.Right);
        var y1 = source.IsFrame ? Math.Clamp(target.MiddleY, source.Y, source.Bottom) : source.MiddleY;
        var y2 = target.IsFrame ? Math.Clamp(source.MiddleY, target.Y, target.Bottom) : target.MiddleY;
        // A bridge's ports share one vertical bus halfway between the columns: ten lines fanning out of one point
        // would run into each other near the bridge.
        double? bendX = edge.Kind == TopologyEdgeKinds.BridgePort && source.Column == HostVethColumn && target.Column == BridgeColumn
            ? (x1 + x2) / 2
            : null;
        return new TopologySegment { EdgeId = edge.Id, Source = edge.Source, Target = edge.Target, Kind = edge.Kind, X1 = x1, Y1 = y1, X2 = x2, Y2 = y2, BendX = bendX };
    }

    private sealed record Band(string Namespace, List<TopologyNode> Containers, List<TopologyNode> Interfaces, string? Network);

    private sealed record GroupDraft(TopologyNode? Network, List<TopologyNode> Bridges, List<Band> Bands);

    /// <summary>What the edges say, looked up by node: veth peers, bridge ports, bridges' networks, containers' namespaces and networks.</summary>
    private sealed class Wiring
    {
        public required Dictionary<string, TopologyNode> Nodes { get; init; }
        public Dictionary<string, string> Peers { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> BridgeOfPort { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> NetworkOfBridge { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> NamespaceOf { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, List<string>> NetworksOf { get; } = new(StringComparer.Ordinal);

        /// <summary>Namespaces that hold containers: they are drawn around them; every other one belongs to the namespaces band.</summary>
        public HashSet<string> WithContainers { get; private set; } = [];

        public bool InBand(string? namespaceId) => namespaceId is not null && Nodes.TryGetValue(namespaceId, out var ns)
            && ns.Kind == TopologyNodeKinds.Netns && !WithContainers.Contains(namespaceId);

        public static Wiring Of(TopologyGraph graph)
        {
            var wiring = new Wiring
            {
                Nodes = graph.Nodes.GroupBy(n => n.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
            };
            var nodes = wiring.Nodes;
            foreach (var e in graph.Edges.Where(e => nodes.ContainsKey(e.Source) && nodes.ContainsKey(e.Target)))
            {
                var source = nodes[e.Source];
                var target = nodes[e.Target];
                switch (e.Kind)
                {
                    case TopologyEdgeKinds.Veth:
                        wiring.Peers[e.Source] = e.Target;
                        wiring.Peers[e.Target] = e.Source;
                        break;
                    case TopologyEdgeKinds.BridgePort when target.Kind == TopologyNodeKinds.Bridge:
                        wiring.BridgeOfPort[e.Source] = e.Target;
                        break;
                    case TopologyEdgeKinds.MemberOf when source.Kind == TopologyNodeKinds.Bridge && target.Kind == TopologyNodeKinds.Network:
                        wiring.NetworkOfBridge[e.Source] = e.Target;
                        break;
                    case TopologyEdgeKinds.MemberOf when source.Kind == TopologyNodeKinds.Container:
                        wiring.NamespaceOf[e.Source] = e.Target;
                        break;
                    case TopologyEdgeKinds.InNetwork when target.Kind == TopologyNodeKinds.Network:
                        (wiring.NetworksOf.TryGetValue(e.Source, out var list) ? list : wiring.NetworksOf[e.Source] = []).Add(e.Target);
                        break;
                }
            }

            wiring.WithContainers = wiring.NamespaceOf.Values.ToHashSet(StringComparer.Ordinal);
            return wiring;
        }
    }

    // A class, not a record: frames are told apart by identity in the layout's dictionaries.
    private sealed class NamespaceFrame(TopologyNode node, List<TopologyNode> interfaces)
    {
        public TopologyNode Node { get; } = node;
        public List<TopologyNode> Interfaces { get; } = interfaces;
    }
}
