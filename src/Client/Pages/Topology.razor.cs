using System.Globalization;
using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>The network wiring as a picture: which container hangs off which veth, bridge and Docker network.</summary>
public sealed partial class Topology : DashboardPage
{
    // MudSelect cannot hold a null item value, so "all" needs a value of its own.
    private const string AllNetworks = "";

    private TopologyGraph? _graph;
    private ReachabilityReport? _reachability;
    private bool _loading = true;
    private string? _error;
    private string _networkId = AllNetworks;
    private string? _query;
    private bool _showNamespaces = true;
    private string? _selectedId;

    private TopologyDrawing Drawing => TopologyLayout.Compute(_graph!, new TopologyView
    {
        NetworkId = _networkId == AllNetworks ? null : _networkId,
        ContainerQuery = _query,
        ShowNamespacesWithoutContainers = _showNamespaces,
    });

    private IEnumerable<TopologyNode> Networks =>
        (_graph?.Nodes ?? []).Where(n => n.Kind == TopologyNodeKinds.Network).OrderBy(n => n.Label, StringComparer.Ordinal);

    private TopologyNode? Selected => _selectedId is null ? null : _graph?.Nodes.FirstOrDefault(n => n.Id == _selectedId);

    // Asked once per drawn container while rendering: worked out once per report and selection, not per box (a report
    // has a pair per two running containers, so per box it was the cube of the host's size).
    private (ReachabilityReport? Report, string? Name, IReadOnlySet<string> Names)? _reachableCache;

    private IReadOnlySet<string> Reachable
    {
        get
        {
            var name = Selected is { Kind: TopologyNodeKinds.Container } c ? c.Label : null;
            if (_reachableCache is not { } cache || !ReferenceEquals(cache.Report, _reachability) || cache.Name != name)
            {
                cache = (_reachability, name, ReachabilityDisplay.ReachableFrom(_reachability, name));
                _reachableCache = cache;
            }

            return cache.Names;
        }
    }

    private string ReachableText => Reachable.Count == 0
        ? "Reaches no other container."
        : $"Reaches {string.Join(", ", Reachable.Order(StringComparer.Ordinal))}.";

    private static string ViewBox(TopologyDrawing drawing) => $"0 0 {Number(drawing.Width)} {Number(drawing.Height)}";

    protected override Task OnInitializedAsync()
    {
        Follow(c => c.Has(DashboardChangeKinds.Topology | DashboardChangeKinds.Reachability), LoadAsync);
        return LoadNowAsync();
    }

    private async Task LoadAsync()
    {
        _loading = _graph is null;
        try
        {
            var graph = Data.GetTopologyAsync(Cancellation);
            var reachability = Data.GetReachabilityAsync(Cancellation);
            _graph = await graph;
            _reachability = await reachability;
            _error = null;
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, Cancellation))
        {
            _error = ApiErrors.Describe("the topology", ex);
        }
        finally
        {
            _loading = false;
        }
    }

    private void OnNetworkChanged(string? networkId) => _networkId = networkId ?? AllNetworks;

    private void Select(string nodeId) => _selectedId = nodeId;

    private void ClearSelection() => _selectedId = null;

    private string BoxClass(TopologyBox box)
    {
        var classes = $"node {box.Kind}{(box.IsFrame ? " frame" : "")}{(box.HeaderHeight > 0 ? " labelled" : "")}";
        if (box.NodeId == _selectedId)
        {
            classes += " selected";
        }

        if (box.Kind == TopologyNodeKinds.Container && Reachable.Contains(box.Title))
        {
            classes += " reachable";
        }

        return classes;
    }

    private static string Points(TopologySegment s, double bendX) =>
        $"{Number(s.X1)},{Number(s.Y1)} {Number(bendX)},{Number(s.Y1)} {Number(bendX)},{Number(s.Y2)} {Number(s.X2)},{Number(s.Y2)}";

    private static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    // SVG text does not wrap or ellipsize; about 7.4 px per character at the 12 px monospace-ish font used here.
    private static string Clip(string text, double width)
    {
        var max = (int)((width - 16) / 7.4);
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }
}
