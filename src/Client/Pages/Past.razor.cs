using System.Net;
using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using MudBlazor;

namespace Dashboard.Client.Pages;

/// <summary>
/// A snapshot shown through the live pages themselves: Containers, Namespaces and Topology (and the container and
/// namespace details) read a <see cref="SnapshotDashboardData"/> cascaded to them instead of the live state, under a
/// banner that says which moment this is and leads back to the present. Nothing here follows the live state.
/// </summary>
public sealed partial class Past : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private SnapshotDashboardData? _data;
    private long? _loadedId;
    private bool _loading = true;
    private string? _error;
    private Severity _errorSeverity = Severity.Error;

    [Inject] public required ISnapshots Snapshots { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    [Parameter] public long SnapshotId { get; set; }

    [Parameter] public string? IdOrName { get; set; }

    [Parameter] public string? Type { get; set; }

    [Parameter] public long Inode { get; set; }

    private const string BannerStyle = "border-color: var(--mud-palette-warning); background: var(--mud-palette-warning-hover)";

    // From the address, not the parameters: going from one section to another changes no parameter (the snapshot's id
    // stays, the others stay null), so Blazor does not set them again; the address change renders the new section.
    private PastSection Section => PastAddress.Section(Navigation.ToBaseRelativePath(Navigation.Uri));

    private string Banner => _data is { } d ? SnapshotDisplay.Describe(d.Snapshot, Time.LocalTimeZone, Time.GetUtcNow()) : "";

    private string BannerNote => Section is PastSection.Namespace
        ? "The host as this snapshot recorded it; nothing here changes. Processes and id maps are not recorded."
        : "The host as this snapshot recorded it; nothing here changes. Processes are not recorded.";

    private string LiveHref => PastAddress.Live(Navigation.ToBaseRelativePath(Navigation.Uri));

    private System.Type PageType => Section switch
    {
        PastSection.Container => typeof(ContainerDetails),
        PastSection.Namespaces => typeof(Namespaces),
        PastSection.Namespace => typeof(NamespaceDetails),
        PastSection.Topology => typeof(Topology),
        _ => typeof(Containers),
    };

    private Dictionary<string, object?>? PageParameters => Section switch
    {
        PastSection.Container => new() { [nameof(ContainerDetails.IdOrName)] = IdOrName },
        PastSection.Namespace => new() { [nameof(NamespaceDetails.Type)] = Type, [nameof(NamespaceDetails.Inode)] = Inode },
        _ => null,
    };

    protected override void OnInitialized() => Navigation.LocationChanged += OnLocationChanged;

    protected override async Task OnParametersSetAsync()
    {
        // Prerendered on the server, the page shows that it is loading; the app in the browser reads the snapshots.
        if (!RendererInfo.IsInteractive || _loadedId == SnapshotId)
        {
            return;
        }

        (_loading, _data, _error, _loadedId) = (true, null, null, SnapshotId);
        try
        {
            _data = new SnapshotDashboardData(await Snapshots.GetAsync(SnapshotId, _cts.Token));
        }
        catch (ApiProblemException problem) when (problem.StatusCode == HttpStatusCode.NotFound)
        {
            (_error, _errorSeverity) = ($"No snapshot {SnapshotId}: {ApiErrors.Reason(problem)}", Severity.Warning);
        }
        catch (ApiProblemException problem) when (problem.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            (_error, _errorSeverity) = ($"Snapshot storage is unavailable: {ApiErrors.Reason(problem)}", Severity.Error);
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, _cts.Token))
        {
            (_error, _errorSeverity, _loadedId) = (ApiErrors.Describe($"snapshot {SnapshotId}", ex), Severity.Error, null);
        }
        finally
        {
            _loading = false;
        }
    }

    // A new section, or the query string the Namespaces filter writes, comes without new parameters.
    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => _ = InvokeAsync(StateHasChanged);

    private Variant VariantFor(params PastSection[] sections) => sections.Contains(Section) ? Variant.Filled : Variant.Outlined;

    public void Dispose()
    {
        Navigation.LocationChanged -= OnLocationChanged;
        _cts.Cancel();
        _cts.Dispose();
    }
}
