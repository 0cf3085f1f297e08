using System.Globalization;
using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Client.Pages;

/// <summary>
/// The timeline of snapshots, newest first, a page at a time: take one now, open one as the past, download or delete
/// it, or pick two to compare. Follows new snapshots through the live status, which reports the store (the same
/// <c>storage</c> as <c>GET /api/status</c>; asking that endpoint waits for a fresh scan of the host, which takes
/// seconds on a busy one).
/// </summary>
public sealed partial class History : IDisposable
{
    private const string LocalInputFormat = "yyyy-MM-ddTHH:mm";

    // Often enough that "just now" does not stay on screen for minutes.
    private static readonly TimeSpan s_clockTick = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _cts = new();
    private LiveReload? _status;
    private ITimer? _clock;
    private HistoryQuery _query = new();
    private SnapshotPage? _page;
    private StorageStatus? _storage;
    private bool _statusKnown;
    private ApiProblemException? _listProblem;
    private SnapshotSelection _selection = SnapshotSelection.None;
    private bool _loading = true;
    private int _loads;
    private bool _disposed;
    private bool _taking;
    private long? _justTaken;
    private string? _error;
    private string? _statusError;

    [Inject] public required ISnapshots Snapshots { get; init; }
    [Inject] public required IDashboardData LiveData { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required TimeProvider Time { get; init; }

    [SupplyParameterFromQuery(Name = "from")] public string? FromParameter { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? ToParameter { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public string? PageParameter { get; set; }

    private IReadOnlyList<HistoryRow> Rows => HistoryRow.From(_page?.Items ?? [], Time.LocalTimeZone, Time.GetUtcNow());

    private int PageCount => HistoryQuery.PageCount(_page?.Total ?? 0);

    private string ShowingText => _query.ShowingText(_page?.Items.Count ?? 0, _page?.Total ?? 0);

    private StatusBadge StorageBadge => _statusKnown
        ? StorageDisplay.Badge(_storage)
        : new("Storage …", Color.Default, Icons.Material.Filled.HourglassEmpty, "Asking the server about the snapshot store.");

    // A list refused with 503 says the store is unusable even when the status (read a moment before) did not yet.
    private StorageNotice? Notice => _listProblem is { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable } problem
        && _storage?.State != StorageState.Unavailable
            ? new StorageNotice(Severity.Error, $"Snapshot storage is unavailable: {ApiErrors.Reason(problem)}")
            : _statusKnown ? StorageDisplay.Notice(_storage) : null;

    // Before the status is known, the server is the judge: it answers 503 when the store cannot be used.
    private bool CanTake => !_taking && (!_statusKnown || StorageDisplay.CanTake(_storage));

    private string TakeLabel => _taking ? "Taking…" : "Take snapshot now";

    private DateTime? FromInput => HistoryQuery.ToLocalInput(_query.From, Time.LocalTimeZone);

    private DateTime? ToInput => HistoryQuery.ToLocalInput(_query.To, Time.LocalTimeZone);

    protected override void OnInitialized()
    {
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        _status = new LiveReload(LiveData, c => c.Has(DashboardChangeKinds.Status), LoadStatusAsync, InvokeAsync, StateHasChanged);
        _clock = Time.CreateTimer(_ => _ = InvokeAsync(StateHasChanged), null, s_clockTick, s_clockTick);
        // The status may come from the REST API, which waits for a fresh scan: the list must not wait for it.
        _ = RenderWhenDoneAsync(_status.LoadAsync());
    }

    protected override Task OnParametersSetAsync()
    {
        // Prerendered on the server, the page shows that it is loading; the app in the browser reads the snapshots.
        if (!RendererInfo.IsInteractive)
        {
            return Task.CompletedTask;
        }

        _query = HistoryQuery.Parse(FromParameter, ToParameter, PageParameter);
        return LoadAsync();
    }

    private async Task ReloadAsync()
    {
        _ = RenderWhenDoneAsync(_status!.LoadAsync());
        await LoadAsync();
    }

    private async Task RenderWhenDoneAsync(Task load)
    {
        await load;
        if (!_disposed)
        {
            StateHasChanged();
        }
    }

    /// <summary>
    /// Reads the store's status from the live status (pushed by the hub after every scan; the REST API's until the
    /// hub has answered), and loads the list again when the store changed: a snapshot taken or removed, by the
    /// server's schedule or by someone else. A status change that leaves the store as it was costs no request.
    /// </summary>
    private async Task LoadStatusAsync()
    {
        try
        {
            var storage = (await LiveData.GetStatusAsync(_cts.Token)).Storage;
            var changed = _statusKnown && StorageDisplay.Marker(storage) != StorageDisplay.Marker(_storage);
            (_storage, _statusKnown, _statusError) = (storage, true, null);
            if (changed)
            {
                await LoadAsync();
            }
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, _cts.Token))
        {
            _statusError = ApiErrors.Describe("the status of the snapshot store", ex);
        }
    }

    /// <summary>Loads the page of the timeline; of loads that overlap (a page change during a reload), the last one asked for wins.</summary>
    private async Task LoadAsync()
    {
        var load = ++_loads;
        _loading = _page is null && _listProblem is null && _error is null;
        try
        {
            var page = await Snapshots.ListAsync(_query.From, _query.To, HistoryQuery.PageSize, _query.Offset, _cts.Token);
            if (load != _loads)
            {
                return;
            }

            (_page, _listProblem, _error) = (page, null, null);
        }
        catch (ApiProblemException problem) when (problem.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && load == _loads)
        {
            (_page, _listProblem, _error) = (null, problem, null);
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, _cts.Token) && load == _loads)
        {
            (_listProblem, _error) = (null, ApiErrors.Describe("the snapshots", ex));
        }
        finally
        {
            if (load == _loads)
            {
                _loading = false;
            }
        }

        // A page emptied by deletions, or a stale link: show the last page there is.
        if (load == _loads && _page is { Items.Count: 0, Total: > 0 } && _query.Page > 1)
        {
            GoToPage(HistoryQuery.PageCount(_page.Total));
        }
    }

    private async Task TakeAsync()
    {
        _taking = true;
        try
        {
            var taken = await Snapshots.TakeAsync(_cts.Token);
            _justTaken = taken.Id;
            Snackbar.Add(string.Create(CultureInfo.InvariantCulture, $"Snapshot {taken.Id} taken: {SnapshotDisplay.Counts(taken)}."), Severity.Success);
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, _cts.Token))
        {
            Snackbar.Add($"No snapshot was taken: {ApiErrors.Reason(ex)}", Severity.Error);
        }
        finally
        {
            _taking = false;
        }

        // The new one is the newest: it is on the first page (unless the range leaves it out).
        if (_query.Page != 1)
        {
            GoToPage(1);
            return;
        }

        await ReloadAsync();
    }

    private async Task DeleteAsync(HistoryRow row)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Delete snapshot {row.Id}?",
            $"Taken {row.TakenAt} ({row.Reason}). This removes the dashboard's record of the host at that moment; nothing on the host changes. It cannot be undone.",
            yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        try
        {
            var removed = await Snapshots.DeleteAsync(row.Id, _cts.Token);
            Snackbar.Add(string.Create(CultureInfo.InvariantCulture, $"Snapshot {row.Id} {(removed ? "deleted" : "was already gone")}."), Severity.Info);
            _selection = _selection.Without(row.Id);
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, _cts.Token))
        {
            Snackbar.Add(string.Create(CultureInfo.InvariantCulture, $"Snapshot {row.Id} was not deleted: {ApiErrors.Reason(ex)}"), Severity.Error);
        }

        await ReloadAsync();
    }

    private void Toggle(long id) => _selection = _selection.Toggle(id);

    private void ClearSelection() => _selection = SnapshotSelection.None;

    private void GoToPage(int page) => Show(_query with { Page = page });

    private Task OnFromChangedAsync(DateTime? from)
    {
        Show(_query with { From = HistoryQuery.FromLocalInput(from, Time.LocalTimeZone), Page = 1 });
        return Task.CompletedTask;
    }

    private Task OnToChangedAsync(DateTime? to)
    {
        Show(_query with { To = HistoryQuery.FromLocalInput(to, Time.LocalTimeZone), Page = 1 });
        return Task.CompletedTask;
    }

    private Task ClearRangeAsync()
    {
        Show(_query with { From = null, To = null, Page = 1 });
        return Task.CompletedTask;
    }

    // The query lives in the address: navigating sets the parameters, which load.
    private void Show(HistoryQuery query) => Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(query.ToParameters()));

    private string? RowStyle(HistoryRow row) => row.Id == _justTaken ? "background: var(--mud-palette-primary-hover)" : null;

    private static string PickLabel(long id) => string.Create(CultureInfo.InvariantCulture, $"Pick snapshot {id} to compare");

    private static string DownloadLabel(long id) => string.Create(CultureInfo.InvariantCulture, $"Download snapshot {id} as JSON");

    private static string DeleteLabel(long id) => string.Create(CultureInfo.InvariantCulture, $"Delete snapshot {id}");

    public void Dispose()
    {
        _disposed = true;
        _clock?.Dispose();
        _status?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
