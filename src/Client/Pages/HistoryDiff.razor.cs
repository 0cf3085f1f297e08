using System.Globalization;
using System.Net;
using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Client.Pages;

/// <summary>What changed between two snapshots: containers, their namespaces' sharing, namespaces, interfaces, addresses.</summary>
public sealed partial class HistoryDiff : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private SnapshotDiffView? _view;
    private bool _loading = true;
    private string? _error;
    private Severity _errorSeverity = Severity.Error;

    [Inject] public required ISnapshots Snapshots { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    /// <summary>The snapshot compared from.</summary>
    [Parameter] public long Id { get; set; }

    /// <summary>The snapshot compared to.</summary>
    [Parameter] public long OtherId { get; set; }

    private string Title => string.Create(CultureInfo.InvariantCulture, $"{Id} → {OtherId} · History · Namespace Dashboard");

    private string FromHref => DashboardLinks.Snapshot(Id).Containers;

    private string ToHref => DashboardLinks.Snapshot(OtherId).Containers;

    private string NothingChangedText => string.Create(CultureInfo.InvariantCulture,
        $"Nothing changed from snapshot {Id} to snapshot {OtherId}: the same containers with the same namespaces and sharing, the same namespaces, interfaces and addresses.");

    protected override async Task OnParametersSetAsync()
    {
        // Prerendered on the server, the page shows that it is loading; the app in the browser reads the snapshots.
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        (_loading, _view, _error) = (true, null, null);
        try
        {
            var diff = await Snapshots.DiffAsync(Id, OtherId, _cts.Token);
            _view = SnapshotDiffView.Of(diff, Time.LocalTimeZone, Time.GetUtcNow());
        }
        catch (ApiProblemException problem) when (problem.StatusCode == HttpStatusCode.NotFound)
        {
            (_error, _errorSeverity) = ($"Cannot compare: {ApiErrors.Reason(problem)}", Severity.Warning);
        }
        catch (ApiProblemException problem) when (problem.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            (_error, _errorSeverity) = ($"Snapshot storage is unavailable: {ApiErrors.Reason(problem)}", Severity.Error);
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, _cts.Token))
        {
            (_error, _errorSeverity) = (ApiErrors.Describe($"the changes from snapshot {Id} to {OtherId}", ex), Severity.Error);
        }
        finally
        {
            _loading = false;
        }
    }

    private static string? Emphasis(bool changed) => changed ? "font-weight: 600; color: var(--mud-palette-primary)" : null;

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
