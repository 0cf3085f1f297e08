using Dashboard.Client.Services;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>
/// A page of the host's data: the live state, or the snapshot a past view cascades. It follows the changes it names
/// (<see cref="Follow"/>) and cancels its loads when it goes away.
/// </summary>
public abstract class DashboardPage : ComponentBase, IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private LiveReload? _live;

    [Inject] public required IDashboardData LiveData { get; init; }

    /// <summary>A snapshot to show instead of the live state, cascaded by the past view.</summary>
    [CascadingParameter] public IDashboardData? PastData { get; set; }

    protected IDashboardData Data => PastData ?? LiveData;

    /// <summary>Cancelled when the page goes away.</summary>
    protected CancellationToken Cancellation => _cts.Token;

    /// <summary>Loads with <paramref name="load"/> from now on, again whenever <see cref="Data"/> reports a change that <paramref name="affects"/> the page.</summary>
    protected void Follow(Func<DashboardChange, bool> affects, Func<Task> load) =>
        _live = new LiveReload(Data, affects, load, InvokeAsync, StateHasChanged);

    /// <summary>Loads now (or once more after the load that is running); call <see cref="Follow"/> first.</summary>
    protected Task LoadNowAsync() => _live!.LoadAsync();

    public void Dispose()
    {
        _live?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
