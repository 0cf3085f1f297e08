using System.Globalization;
using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Components;

/// <summary>
/// The app bar's summary of where the data comes from: the live connection, the Docker engine and the size of the
/// last /proc scan. Follows both as they change.
/// </summary>
public sealed partial class StatusIndicator : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private LiveReload? _live;
    private StatusInfo? _status;
    private string? _error;

    [Inject] public required IDashboardData Data { get; init; }

    private StatusBadge Connection => StatusDisplay.Connection(Data.Connection);

    private StatusBadge? Docker => _status is { } s ? StatusDisplay.Docker(s.Docker) : null;

    private StatusBadge? Events => _status is { } s ? StatusDisplay.Events(s.Sources) : null;

    private string CountsLabel => _status is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{s.ProcessCount} processes · {s.NamespaceCount} namespaces")
            + (s.UnreadableProcessCount > 0 ? string.Create(CultureInfo.InvariantCulture, $" · {s.UnreadableProcessCount} unreadable") : "")
        : "";

    private string ScanTooltip => _status is { } s
        ? string.Create(CultureInfo.InvariantCulture,
            $"{s.ProcRoot} read at {s.ScannedAt.ToLocalTime():HH:mm:ss} in {s.ScanMilliseconds:0} ms; {s.UnreadableProcessCount} processes unreadable")
            + (s.Collection is { } c
                ? string.Create(CultureInfo.InvariantCulture,
                    $". {c.Updates} updates from events and {c.FullScans} full rescans (every {c.ScanInterval}) so far; the last took {c.LastFullScanMilliseconds:0} ms")
                : "")
        : "";

    protected override Task OnInitializedAsync()
    {
        _live = new LiveReload(Data, c => c.Has(DashboardChangeKinds.Status | DashboardChangeKinds.Connection), LoadAsync, InvokeAsync, StateHasChanged);
        return _live.LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            _status = await Data.GetStatusAsync(_cts.Token);
            _error = null;
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, _cts.Token))
        {
            _error = ApiErrors.Describe("the status", ex);
        }
    }

    public void Dispose()
    {
        _live?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
