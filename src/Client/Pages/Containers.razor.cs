using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>Every container with the sharing of its eight namespaces at a glance.</summary>
public sealed partial class Containers : DashboardPage
{
    private IReadOnlyList<ContainerInfo>? _containers;
    private bool _loading = true;
    private string? _error;
    private string? _query;
    private bool _runningOnly;

    private IReadOnlyList<ContainerInfo> Visible => ContainerFilter.Apply(_containers ?? [], _query, _runningOnly);

    private string CountText => $"{Visible.Count} of {_containers?.Count ?? 0} containers";

    protected override Task OnInitializedAsync()
    {
        Follow(c => c.Has(DashboardChangeKinds.Containers), LoadAsync);
        return LoadNowAsync();
    }

    private async Task LoadAsync()
    {
        _loading = _containers is null;
        try
        {
            _containers = await Data.GetContainersAsync(Cancellation);
            _error = null;
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, Cancellation))
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
}
