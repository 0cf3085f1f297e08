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

    private IReadOnlyList<NamespaceSummary> Visible => NamespaceFilter.Apply(_namespaces ?? [], _type, _query);

    private string AllLabel => $"all {_namespaces?.Count ?? 0}";

    private string CountText => $"{Visible.Count} of {_namespaces?.Count ?? 0} namespaces";

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
    }

    private async Task LoadAsync()
    {
        _loading = _namespaces is null;
        try
        {
            _namespaces = await Data.GetNamespacesAsync(cancellationToken: Cancellation);
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
        _type = type;
        UpdateAddress();
    }

    private void OnQueryChanged(string? query)
    {
        _query = query;
        UpdateAddress();
    }

    private void UpdateAddress() =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["type"] = _type?.ToKernelName(),
            ["q"] = string.IsNullOrWhiteSpace(_query) ? null : _query,
        }), replace: true);
}
