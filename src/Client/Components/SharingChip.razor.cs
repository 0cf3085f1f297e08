using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Client.Components;

/// <summary>A container's namespace of one type as a chip: private, host or shared (with whom); the inode in the tooltip.</summary>
public sealed partial class SharingChip
{
    [Parameter, EditorRequired] public required NamespaceType Type { get; set; }
    [Parameter, EditorRequired] public required ulong Inode { get; set; }
    [Parameter, EditorRequired] public required Sharing Sharing { get; set; }
    [Parameter] public IReadOnlyList<ContainerRef> SharedWith { get; set; } = [];
    [Parameter] public string? TestId { get; set; }

    /// <summary>Inside a past view, the snapshot's source, whose namespace pages the chip opens.</summary>
    [CascadingParameter] public IDashboardData? PastData { get; set; }

    private string Label => SharingDisplay.Label(Sharing, SharedWith);
    private string ChipClasses => PlainMarkup.Chip(SharingDisplay.ChipColor(Sharing), SharingDisplay.ChipVariant(Sharing), clickable: true) + " ma-0";
    private string TooltipText => SharingDisplay.Tooltip(Inode, Sharing, SharedWith);
    private string NamespaceHref => DashboardLinks.In(PastData).Namespace(Type, Inode);
}
