using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Api;

/// <summary>Several engine addresses: the first that answers is used, as in the compose file's PID 1 root, then socket.</summary>
public sealed class DockerEndpointFallbackTests
{
    [Fact]
    public async Task TheFirstAddressThatAnswersIsUsed()
    {
        Requirements.DockerEngine();
        using var factory = new DashboardFactory();
        factory.Settings["Dashboard:DockerEndpoint"] = $"unix:///tmp/dt-no-engine-here.sock; unix://{Requirements.DockerSocket}";
        var http = factory.CreateClient();

        var status = await http.GetJsonAsync<StatusInfo>("/api/status");
        Assert.True(status.Docker.Available, status.Docker.Error);
        Assert.Equal($"unix://{Requirements.DockerSocket}", status.Docker.Endpoint);

        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.RunAsync("fallback");
        var id = await docker.IdAsync(name);
        var containers = await http.GetJsonAsync<List<ContainerInfo>>("/api/containers");
        Assert.Contains(containers, c => c.Id == id);
    }
}
