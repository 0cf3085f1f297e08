using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>Every container with the sharing of its eight namespaces at a glance.</summary>
public sealed partial class Containers : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private LiveReload? _live;
    private IReadOnlyList<ContainerInfo>? _containers;
    private bool _loading = true;
    private string? _error;
    private string? _query;
    private bool _runningOnly;

    [Inject] public required IDashboardData LiveData { get; init; }

    /// <summary>A snapshot to show instead of the live state, cascaded by the past view.</summary>
    [CascadingParameter] public IDashboardData? PastData { get; set; }

    private IDashboardData Data => PastData ?? LiveData;

    private IReadOnlyList<ContainerInfo> Visible => ContainerFilter.Apply(_containers ?? [], _query, _runningOnly);

    private string CountText => $"{Visible.Count} of {_containers?.Count ?? 0} containers";

    protected override Task OnInitializedAsync()
    {
        _live = new LiveReload(Data, c => c.Has(DashboardChangeKinds.Containers), LoadAsync, InvokeAsync, StateHasChanged);
        return _live.LoadAsync();
    }

    private async Task LoadAsync()
    {
        _loading = _containers is null;
        try
        {
            _containers = await Data.GetContainersAsync(_cts.Token);
            _error = null;
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, _cts.Token))
        {
            _error = ApiErrors.Describe("the containers", ex);
        }
        finally
        {
            _loading = false;
        }
    }

    private static ContainerNamespace? NamespaceOf(ContainerInfo container, NamespaceType type) =>
        container.Namespaces?.GetValueOrDefault(type);

    public void Dispose()
    {
        _live?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }
}
