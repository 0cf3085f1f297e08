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

    private int _page = 1;
    // The filtered, sorted rows, made again only when the rows or the filter change.
    private IReadOnlyList<ContainerInfo>? _visible;

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>Pre-fills the filter, e.g. <c>?q=web</c>.</summary>
    [SupplyParameterFromQuery(Name = "q")] public string? QueryParameter { get; set; }

    /// <summary>The page of the table, e.g. <c>?page=2</c> (see <see cref="TablePaging"/>).</summary>
    [SupplyParameterFromQuery(Name = "page")] public string? PageParameter { get; set; }

    private IReadOnlyList<ContainerInfo> Visible => _visible ??= ContainerFilter.Apply(_containers ?? [], _query, _runningOnly);

    private int CurrentPage => TablePaging.Clamp(_page, Visible.Count);

    private int PageCount => TablePaging.PageCount(Visible.Count);

    private IReadOnlyList<ContainerInfo> Shown => TablePaging.Slice(Visible, _page);

    private string CountText => TablePaging.Showing(_page, Visible.Count, _containers?.Count ?? 0, "containers");

    // The filter and the page live in fields the user changes; the query string seeds them (and follows them, for links).
    protected override void OnParametersSet()
    {
        _query = QueryParameter;
        _page = TablePaging.Parse(PageParameter);
        _visible = null;
    }

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
            _visible = null;
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

    private void OnQueryChanged(string? query)
    {
        (_query, _page, _visible) = (query, 1, null);
        UpdateAddress();
    }

    private void OnRunningOnlyChanged(bool runningOnly)
    {
        (_runningOnly, _page, _visible) = (runningOnly, 1, null);
        UpdateAddress();
    }

    private void GoToPage(int page)
    {
        _page = page;
        UpdateAddress();
    }

    private void UpdateAddress() =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["q"] = string.IsNullOrWhiteSpace(_query) ? null : _query,
            ["page"] = TablePaging.Format(_page),
        }), replace: true);

    private static ContainerNamespace? NamespaceOf(ContainerInfo container, NamespaceType type) =>
        container.Namespaces?.GetValueOrDefault(type);
}
