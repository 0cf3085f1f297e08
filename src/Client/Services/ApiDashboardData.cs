using System.Net;
using System.Net.Http.Json;
using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Services;

/// <summary>The server's REST API: what <see cref="LiveDashboardData"/> asks for what the live hub does not carry.</summary>
public sealed class ApiDashboardData(HttpClient http)
{
    public async Task<StatusInfo> GetStatusAsync(CancellationToken cancellationToken = default) =>
        (await http.GetFromJsonAsync<StatusInfo>("api/status", DashboardJson.Options, cancellationToken))!;

    public async Task<IReadOnlyList<ContainerInfo>> GetContainersAsync(CancellationToken cancellationToken = default) =>
        (await http.GetFromJsonAsync<List<ContainerInfo>>("api/containers", DashboardJson.Options, cancellationToken))!;

    public Task<ContainerInfo?> GetContainerAsync(string idOrName, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<ContainerInfo>($"api/containers/{Uri.EscapeDataString(idOrName)}", cancellationToken);

    public async Task<IReadOnlyList<ContainerNamespaceRow>?> GetContainerNamespacesAsync(string idOrName, CancellationToken cancellationToken = default) =>
        await GetOrNullAsync<List<ContainerNamespaceRow>>($"api/containers/{Uri.EscapeDataString(idOrName)}/namespaces", cancellationToken);

    public async Task<IReadOnlyList<NamespaceSummary>> GetNamespacesAsync(NamespaceType? type = null, CancellationToken cancellationToken = default)
    {
        var url = type is { } t ? $"api/namespaces?type={t.ToKernelName()}" : "api/namespaces";
        return (await http.GetFromJsonAsync<List<NamespaceSummary>>(url, DashboardJson.Options, cancellationToken))!;
    }

    public Task<NamespaceDetail?> GetNamespaceAsync(NamespaceType type, ulong inode, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<NamespaceDetail>($"api/namespaces/{type.ToKernelName()}/{inode}", cancellationToken);

    public Task<ProcessInfo?> GetProcessAsync(int pid, CancellationToken cancellationToken = default) =>
        GetOrNullAsync<ProcessInfo>($"api/processes/{pid}", cancellationToken);

    public async Task<TopologyGraph> GetTopologyAsync(CancellationToken cancellationToken = default) =>
        (await http.GetFromJsonAsync<TopologyGraph>("api/topology", DashboardJson.Options, cancellationToken))!;

    public async Task<ReachabilityReport> GetReachabilityAsync(CancellationToken cancellationToken = default) =>
        (await http.GetFromJsonAsync<ReachabilityReport>("api/topology/reachability", DashboardJson.Options, cancellationToken))!;

    private async Task<T?> GetOrNullAsync<T>(string url, CancellationToken cancellationToken) where T : class
    {
        using var response = await http.GetAsync(url, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(DashboardJson.Options, cancellationToken);
    }
}
