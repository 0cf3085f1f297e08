using System.Globalization;
using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Pages;

/// <summary>One container: what it asked Docker for, and the eight namespaces it actually got.</summary>
public sealed partial class ContainerDetails : DashboardPage
{
    private ContainerInfo? _container;
    private IReadOnlyList<ContainerNamespaceRow> _namespaces = [];
    private bool _loading = true;
    private bool _notFound;
    private string? _error;

    [Parameter] public required string IdOrName { get; set; }

    private string Title => $"{_container?.Name ?? IdOrName} · Containers · Namespace Dashboard";

    private bool IsRunning => _container?.Pid is not null && _namespaces.Count > 0;

    // A running container whose namespaces are missing means /proc could not be read, not that it stopped.
    private string NoNamespacesText => _container?.Pid is { } pid
        ? $"The namespaces of PID {pid} could not be read (permissions, or the process just exited)."
        : $"{_container?.State}, not running: no namespaces. A container has namespaces only while its processes run.";

    // The commands name a PID of then: the same number may be another process now, or none.
    private string? PastNote => Data.Snapshot is { } snapshot && _container?.Pid is { } pid
        ? string.Create(CultureInfo.InvariantCulture,
            $"As snapshot {snapshot.Id} recorded it: PID {pid} and the commands below are those of then; that process may be gone, or the PID another's now.")
        : null;

    private string PidText => _container?.Pid?.ToString(CultureInfo.InvariantCulture) ?? "—";

    private string CreatedText => _container?.Created.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";

    private string LabelsTitle => $"Labels ({_container?.Labels.Count ?? 0})";

    private IEnumerable<KeyValuePair<string, string>> SortedLabels =>
        (_container?.Labels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal);

    private IEnumerable<(string Name, string Value)> HostConfigRows
    {
        get
        {
            if (_container?.HostConfig is not { } hc)
            {
                yield break;
            }

            yield return ("NetworkMode", ContainerDisplay.Mode(hc.NetworkMode));
            yield return ("PidMode", ContainerDisplay.Mode(hc.PidMode));
            yield return ("IpcMode", ContainerDisplay.Mode(hc.IpcMode));
            yield return ("UTSMode", ContainerDisplay.Mode(hc.UtsMode));
            yield return ("UsernsMode", ContainerDisplay.Mode(hc.UsernsMode));
            yield return ("CgroupnsMode", ContainerDisplay.Mode(hc.CgroupnsMode));
            yield return ("Privileged", hc.Privileged ? "yes" : "no");
            yield return ("CapAdd", hc.CapAdd.Count == 0 ? "(none)" : string.Join(", ", hc.CapAdd));
        }
    }

    protected override void OnInitialized() => Follow(Affects, LoadAsync);

    protected override Task OnParametersSetAsync()
    {
        _loading = true;
        _notFound = false;
        _error = null;
        _container = null;
        _namespaces = [];
        return LoadNowAsync();
    }

    // The container shown loads again when it changed (its sharing changes with the others); one not found, when any did.
    private bool Affects(DashboardChange change) =>
        _container is { } c ? change.TouchesContainer(c.Id) : change.Has(DashboardChangeKinds.Containers);

    private async Task LoadAsync()
    {
        try
        {
            var container = Data.GetContainerAsync(IdOrName, Cancellation);
            var namespaces = Data.GetContainerNamespacesAsync(IdOrName, Cancellation);
            _container = await container;
            _namespaces = await namespaces ?? [];
            _notFound = _container is null;
            _error = null;
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, Cancellation))
        {
            _error = ApiErrors.Describe($"container {IdOrName}", ex);
        }
        finally
        {
            _loading = false;
        }
    }
}
