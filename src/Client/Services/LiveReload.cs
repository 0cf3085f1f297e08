namespace Dashboard.Client.Services;

/// <summary>
/// Keeps a component's data current: loads it, and loads it again when <see cref="IDashboardData.Changed"/> reports
/// a change the component cares about, then re-renders. Loads never overlap: a change during a load makes exactly
/// one more load after it, so a burst of changes costs two loads, not one each, and the last load sees the newest
/// data. Runs on the renderer's context (through the component's InvokeAsync), which does one thing at a time.
/// </summary>
public sealed class LiveReload : IDisposable
{
    private readonly IDashboardData _data;
    private readonly Func<DashboardChange, bool> _affects;
    private readonly Func<Task> _load;
    private readonly Func<Func<Task>, Task> _invokeAsync;
    private readonly Action _render;
    private Task _running = Task.CompletedTask;
    private bool _again;
    private bool _disposed;

    /// <param name="data">Whose changes to follow.</param>
    /// <param name="affects">Which changes make the component load again.</param>
    /// <param name="load">The component's load; it handles its own errors.</param>
    /// <param name="invokeAsync">The component's InvokeAsync, since changes arrive off the renderer's context.</param>
    /// <param name="render">The component's StateHasChanged.</param>
    public LiveReload(IDashboardData data, Func<DashboardChange, bool> affects, Func<Task> load, Func<Func<Task>, Task> invokeAsync, Action render)
    {
        _data = data;
        _affects = affects;
        _load = load;
        _invokeAsync = invokeAsync;
        _render = render;
        data.Changed += OnChanged;
    }

    /// <summary>Loads now, or once more after the load that is running; completes when a load that began after the call has finished.</summary>
    public Task LoadAsync()
    {
        if (!_running.IsCompleted)
        {
            _again = true;
            return _running;
        }

        _running = RunAsync();
        return _running;
    }

    private async Task RunAsync()
    {
        do
        {
            _again = false;
            await _load();
        }
        while (_again && !_disposed);
    }

    private void OnChanged(DashboardChange change)
    {
        if (_affects(change))
        {
            _ = _invokeAsync(ReloadAsync);
        }
    }

    private async Task ReloadAsync()
    {
        // The change may have been queued just before the component went away.
        if (_disposed)
        {
            return;
        }

        await LoadAsync();
        if (!_disposed)
        {
            _render();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _data.Changed -= OnChanged;
    }
}
