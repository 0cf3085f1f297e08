using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Client.Pages;

/// <summary>Every namespace on the host, like <c>lsns</c>, including the hidden ones that no process is in.</summary>
public sealed partial class Namespaces : DashboardPage
{
    private IReadOnlyList<NamespaceSummary>? _namespaces;
    private IReadOnlyList<TypeCount> _counts = [];
    private bool _loading = true;
    private string? _error;
    private NamespaceType? _type;
    private string? _query;

    [Inject] public required NavigationManager Navigation { get; init; }

    /// <summary>Pre-filters by type, e.g. <c>?type=net</c>.</summary>
    [SupplyParameterFromQuery(Name = "type")] public string? TypeParameter { get; set; }

    /// <summary>Pre-fills the search box, e.g. <c>?q=/run/netns</c>.</summary>
    [SupplyParameterFromQuery(Name = "q")] public string? QueryParameter { get; set; }

    private int _page = 1;
    // The filtered rows, made again only when the rows or the filter change.
    private IReadOnlyList<NamespaceSummary>? _visible;

    /// <summary>The page of the table, e.g. <c>?page=2</c> (see <see cref="TablePaging"/>).</summary>
    [SupplyParameterFromQuery(Name = "page")] public string? PageParameter { get; set; }

    private IReadOnlyList<NamespaceSummary> Visible => _visible ??= NamespaceFilter.Apply(_namespaces ?? [], _type, _query);

    private int CurrentPage => TablePaging.Clamp(_page, Visible.Count);

    private int PageCount => TablePaging.PageCount(Visible.Count);

    private IReadOnlyList<NamespaceSummary> Shown => TablePaging.Slice(Visible, _page);

    private string AllLabel => $"all {_namespaces?.Count ?? 0}";

    private string CountText => TablePaging.Showing(_page, Visible.Count, _namespaces?.Count ?? 0, "namespaces");

    protected override Task OnInitializedAsync()
    {
        Follow(c => c.Has(DashboardChangeKinds.Namespaces), LoadAsync);
        return LoadNowAsync();
    }

    // The filter lives in fields the user edits; the query string only seeds it (and follows it, for sharing links).
    protected override void OnParametersSet()
    {
        _type = NamespaceFilter.ParseType(TypeParameter);
        _query = QueryParameter;
        _page = TablePaging.Parse(PageParameter);
        _visible = null;
    }

    private async Task LoadAsync()
    {
        _loading = _namespaces is null;
        try
        {
            _namespaces = await Data.GetNamespacesAsync(cancellationToken: Cancellation);
            _visible = null;
            _counts = NamespaceFilter.CountByType(_namespaces);
            _error = null;
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, Cancellation))
        {
            _error = ApiErrors.Describe("the namespaces", ex);
        }
        finally
        {
            _loading = false;
        }
    }

    private Variant VariantFor(NamespaceType? type) => _type == type ? Variant.Filled : Variant.Outlined;

    private static string TypeLabel(TypeCount count) => $"{count.Type.ToKernelName()} {count.Count}";

    private static string KeptAliveText(NamespaceSummary ns) => string.Join(", ", NamespaceDisplay.KeptAliveReasons(ns));

    private void SelectType(NamespaceType? type)
    {
        (_type, _page, _visible) = (type, 1, null);
        UpdateAddress();
    }

    private void OnQueryChanged(string? query)
    {
        (_query, _page, _visible) = (query, 1, null);
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
            ["type"] = _type?.ToKernelName(),
            ["q"] = string.IsNullOrWhiteSpace(_query) ? null : _query,
            ["page"] = TablePaging.Format(_page),
        }), replace: true);
}
