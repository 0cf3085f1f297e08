using System.Globalization;
using Dashboard.Client.Model;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Components;

/// <summary>The app bar's summary of where the data comes from: the Docker engine and the size of the last /proc scan.</summary>
public sealed partial class StatusIndicator : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private StatusInfo? _status;
    private string? _error;

    [Inject] public required IDashboardData Data { get; init; }

    private string DockerLabel => $"Docker {_status?.Docker.Version}";

    private string DockerTooltip => _status?.Docker is { } docker
        ? docker.Available
            ? $"{docker.Endpoint}, Engine API {docker.ApiVersion}"
            : docker.Error ?? $"No answer from {docker.Endpoint}"
        : "";

    private string CountsLabel => _status is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"{s.ProcessCount} processes · {s.NamespaceCount} namespaces")
            + (s.UnreadableProcessCount > 0 ? string.Create(CultureInfo.InvariantCulture, $" · {s.UnreadableProcessCount} unreadable") : "")
        : "";

    private string ScanTooltip => _status is { } s
        ? string.Create(CultureInfo.InvariantCulture,
            $"{s.ProcRoot} scanned at {s.ScannedAt.ToLocalTime():HH:mm:ss} in {s.ScanMilliseconds:0} ms; {s.UnreadableProcessCount} processes unreadable")
        : "";

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _status = await Data.GetStatusAsync(_cts.Token);
        }
        catch (Exception ex) when (ApiErrors.IsLoadFailure(ex, _cts.Token))
        {
            _error = ApiErrors.Describe("the status", ex);
        }
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }
}
