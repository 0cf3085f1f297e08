using Dashboard.Client.Model;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Components;

/// <summary>A <c>uid_map</c> or <c>gid_map</c> with a one-line explanation.</summary>
public sealed partial class IdMapTable
{
    [Parameter, EditorRequired] public required string Title { get; set; }
    [Parameter, EditorRequired] public required string Kind { get; set; }
    [Parameter] public IReadOnlyList<IdMapRange>? Ranges { get; set; }
    [Parameter] public bool ParentIsHost { get; set; }
    [Parameter] public string TestId { get; set; } = "id-map";

    private string Explanation => IdMapDisplay.Explain(Kind, Ranges, ParentIsHost);
}
