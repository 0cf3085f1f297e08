using Dashboard.ComponentTests.Fakes;

namespace Dashboard.ComponentTests.Live;

/// <summary>When a component loads again, and that loads never overlap.</summary>
public sealed class LiveReloadTests
{
    private readonly FakeDashboardData _data = new();
    private readonly List<TaskCompletionSource> _loads = [];
    // What the component's InvokeAsync was given to run, so a test can wait for all of it.
    private readonly List<Task> _invoked = [];
    private int _renders;

    private LiveReload Create(DashboardChangeKinds kinds) =>
        new(_data, c => c.Has(kinds), Load, Invoke, () => _renders++);

    private Task Invoke(Func<Task> work)
    {
        var task = work();
        _invoked.Add(task);
        return task;
    }

    private Task Load()
    {
        var load = new TaskCompletionSource();
        _loads.Add(load);
        return load.Task;
    }

    [Fact]
    public async Task A_burst_of_changes_during_a_load_makes_one_more_load_then_renders()
    {
        using var reload = Create(DashboardChangeKinds.Containers);
        var first = reload.LoadAsync();
        Assert.Single(_loads);

        _data.NotifyContainers("a");
        _data.NotifyContainers("b");
        _data.NotifyContainers("c");
        Assert.Single(_loads);

        _loads[0].SetResult();
        Assert.Equal(2, _loads.Count);
        Assert.False(first.IsCompleted);
        Assert.Equal(0, _renders);

        _loads[1].SetResult();
        await first;
        await Task.WhenAll(_invoked);
        Assert.Equal(2, _loads.Count);
        Assert.Equal(3, _renders); // each change's render waits for the load that saw it
    }

    [Fact]
    public void Changes_of_other_kinds_load_nothing()
    {
        using var reload = Create(DashboardChangeKinds.Containers);

        _data.Notify(new DashboardChange { Kinds = DashboardChangeKinds.Namespaces | DashboardChangeKinds.Topology });
        _data.SetConnection(Dashboard.Client.Live.LiveConnectionState.Reconnecting);

        Assert.Empty(_loads);
        Assert.Equal(0, _renders);
    }

    [Fact]
    public void After_dispose_it_stops_listening_and_loads_nothing()
    {
        var reload = Create(DashboardChangeKinds.Containers);
        Assert.Equal(1, _data.ChangeListeners);

        reload.Dispose();
        _data.NotifyContainers("a");

        Assert.Equal(0, _data.ChangeListeners);
        Assert.Empty(_loads);
    }

    [Fact]
    public async Task A_change_while_idle_loads_once_and_renders()
    {
        using var reload = Create(DashboardChangeKinds.Containers);

        _data.NotifyContainers("a");
        Assert.Single(_loads);
        _loads[0].SetResult();
        await Task.WhenAll(_invoked);

        Assert.Single(_loads);
        Assert.Equal(1, _renders);
    }
}
