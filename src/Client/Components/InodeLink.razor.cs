using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Components;

/// <summary>An inode in monospace that opens the namespace's page.</summary>
public sealed partial class InodeLink
{
    [Parameter, EditorRequired] public required NamespaceType Type { get; set; }
    [Parameter, EditorRequired] public required ulong Inode { get; set; }
    [Parameter] public string? TestId { get; set; }

    /// <summary>Inside a past view, the snapshot's source, whose namespace pages the link opens.</summary>
    [CascadingParameter] public IDashboardData? PastData { get; set; }

    private string Href => DashboardLinks.In(PastData).Namespace(Type, Inode);
}
