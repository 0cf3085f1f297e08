using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Api;

public sealed class NoEngineFactory : DashboardFactory
{
    public NoEngineFactory() => Settings["Dashboard:DockerEndpoint"] = "unix:///tmp/dt-no-engine-here.sock";
}

/// <summary>No engine: the host's namespaces are still served and the status says why containers are missing.</summary>
public sealed class DockerUnavailableTests(NoEngineFactory factory) : IClassFixture<NoEngineFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Fact]
    public async Task StatusReportsTheEngineUnavailableAndProcIsStillServed()
    {
        var status = await _http.GetJsonAsync<StatusInfo>("/api/status");
        Assert.False(status.Docker.Available);
        Assert.Equal("unix:///tmp/dt-no-engine-here.sock", status.Docker.Endpoint);
        Assert.False(string.IsNullOrWhiteSpace(status.Docker.Error));
        Assert.Null(status.Docker.Version);
        Assert.Equal(0, status.ContainerCount);
        Assert.True(status.ProcessCount > 1);

        Assert.Empty(await _http.GetJsonAsync<List<ContainerInfo>>("/api/containers"));
        var namespaces = await _http.GetJsonAsync<List<NamespaceSummary>>("/api/namespaces");
        Assert.Equal(NamespaceTypes.All.Order(), namespaces.Where(n => n.IsInitial).Select(n => n.Type).Order());

        var self = Environment.ProcessId;
        var process = await _http.GetJsonAsync<ProcessInfo>($"/api/processes/{self}");
        Assert.Equal(await Shell.ReadlinkNsAsync(self, "net"), process.Namespaces[NamespaceType.Net]);
    }
}
