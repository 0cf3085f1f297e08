using System.Globalization;
using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>One namespace: what keeps it alive, how it relates to others, its processes, and for user namespaces the id maps.</summary>
public sealed partial class NamespaceDetails : DashboardPage
{
    private NamespaceDetail? _namespace;
    private bool _loading = true;
    private bool _notFound;
    private string? _error;
    private bool _parentIsInitial;

    /// <summary>The kernel's name of the type; anything else is a page that does not exist.</summary>
    [Parameter] public required string Type { get; set; }

    [Parameter] public long Inode { get; set; }

    private string Heading => $"{Type} {Inode}";

    private string Title => $"{Heading} · Namespaces · Namespace Dashboard";

    private string NotFoundText => NamespaceTypes.TryParse(Type, out _)
        ? $"No {Type} namespace has inode {Inode} (any more). Namespaces disappear when their last process exits."
        : $"“{Type}” is not a namespace type. The types are {string.Join(", ", NamespaceTypes.All.Select(t => t.ToKernelName()))}.";

    // Outside ids of a user namespace whose parent is the initial one are the host's; the initial one has no parent.
    private bool ParentIsHost => _namespace?.ParentInode is null || _parentIsInitial;

    private string DescriptorsText => _namespace is { OpenDescriptors.Count: > 0 } ns
        ? string.Join(", ", ns.OpenDescriptors.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Pid}/{d.Fd}")))
        : "none";

    private string BindMountsText => _namespace is { BindMounts.Count: > 0 } ns ? string.Join(", ", ns.BindMounts) : "none";

    private string KeptAliveText => _namespace is { } ns
        ? ns.Hidden ? string.Join(", ", NamespaceDisplay.KeptAliveReasons(ns)) : "its processes"
        : "";

    private bool IsPast => Data.Snapshot is not null;

    private string ProcessesNotRecordedText => _namespace switch
    {
        { ProcessCount: 0 } => "Processes are not recorded in snapshots; no process was in this namespace then.",
        { LowestPid: { } pid } ns => string.Create(CultureInfo.InvariantCulture,
            $"Processes are not recorded in snapshots. {ns.ProcessCount} {(ns.ProcessCount == 1 ? "process was" : "processes were")} in this namespace then; the lowest PID was {pid} ({ns.Command})."),
        { } ns => string.Create(CultureInfo.InvariantCulture,
            $"Processes are not recorded in snapshots. {ns.ProcessCount} {(ns.ProcessCount == 1 ? "process was" : "processes were")} in this namespace then."),
        _ => "",
    };

    protected override void OnInitialized() => Follow(Affects, LoadAsync);

    protected override Task OnParametersSetAsync()
    {
        _loading = true;
        _notFound = false;
        _error = null;
        _namespace = null;
        _parentIsInitial = false;
        return LoadNowAsync();
    }

    // The namespace shown loads again when it changed (processes came or went); one not found, when any did.
    private bool Affects(DashboardChange change) =>
        _namespace is { } ns ? change.TouchesNamespace(ns.Type, ns.Inode) : change.Has(DashboardChangeKinds.Namespaces);

    private async Task LoadAsync()
    {
        if (!NamespaceTypes.TryParse(Type, out var type) || Inode < 0)
        {
            _notFound = true;
            _loading = false;
            return;
        }

        try
        {
            var detail = await Data.GetNamespaceAsync(type, (ulong)Inode, Cancellation);
            var parentIsInitial = false;
            if (detail is { Type: NamespaceType.User, ParentInode: { } parent })
            {
                var parentNs = await Data.GetNamespaceAsync(NamespaceType.User, parent, Cancellation);
                parentIsInitial = parentNs?.IsInitial ?? false;
            }

            (_namespace, _parentIsInitial, _notFound, _error) = (detail, parentIsInitial, detail is null, null);
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, Cancellation))
        {
            _error = ApiErrors.Describe($"{Type} namespace {Inode}", ex);
        }
        finally
        {
            _loading = false;
        }
    }

    private static string ProcessTestId(NamespaceMember member) =>
        member.Tid is { } tid ? $"process-{member.Pid}-{tid}" : $"process-{member.Pid}";
}
