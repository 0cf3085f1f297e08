using System.Net;
using System.Text.Json;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Api;

/// <summary>Docker networks as the engine and the kernel see them.</summary>
public sealed class NetworksTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Fact]
    public async Task TutorialNetworkMatchesDockerInspectAndHasItsBridge()
    {
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("mynetwork");
        var web1 = await docker.RunAsync("web1", ["--network", network]);
        var web2 = await docker.RunAsync("web2", ["--network", network]);

        var inspect = JsonDocument.Parse((await Shell.RunAsync("docker", "network", "inspect", network)).Out).RootElement[0];
        var id = inspect.GetProperty("Id").GetString()!;
        var ipam = inspect.GetProperty("IPAM").GetProperty("Config")[0];

        var byName = await _http.GetJsonAsync<DockerNetworkInfo>($"/api/networks/{network}");
        var byPrefix = await _http.GetJsonAsync<DockerNetworkInfo>($"/api/networks/{id[..12]}");
        Assert.Equal(id, byName.Id);
        Assert.Equal(id, byPrefix.Id);
        Assert.Equal("bridge", byName.Driver);
        Assert.False(byName.Internal);
        Assert.True(byName.EnableIcc);
        Assert.Equal([ipam.GetProperty("Subnet").GetString()!], byName.Subnets);
        Assert.Equal([ipam.GetProperty("Gateway").GetString()!], byName.Gateways);
        Assert.Equal($"br-{id[..12]}", byName.BridgeInterface);

        // The bridge really exists on the host, with the gateway address on it.
        var link = JsonDocument.Parse((await Shell.RunAsync("ip", "-j", "addr", "show", "dev", byName.BridgeInterface!)).Out).RootElement[0];
        Assert.Contains(link.GetProperty("addr_info").EnumerateArray(), a => a.GetProperty("local").GetString() == byName.Gateways[0]);

        var members = inspect.GetProperty("Containers");
        Assert.Equal([web1, web2], byName.Containers.Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var member in byName.Containers)
        {
            var engine = members.GetProperty(member.Id);
            Assert.Equal(engine.GetProperty("IPv4Address").GetString(), member.IPv4Address);
            Assert.Equal(engine.GetProperty("MacAddress").GetString(), member.MacAddress);
        }

        var all = await _http.GetJsonAsync<List<DockerNetworkInfo>>("/api/networks");
        Assert.Contains(all, n => n.Name == "bridge" && n.BridgeInterface == "docker0");
        Assert.Contains(all, n => n.Name == "host" && n.BridgeInterface is null);
    }

    [Fact]
    public async Task InternalNetworkWithoutIccSaysSo()
    {
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("isolated", "--internal", "-o", "com.docker.network.bridge.enable_icc=false");

        var info = await _http.GetJsonAsync<DockerNetworkInfo>($"/api/networks/{network}");
        Assert.True(info.Internal);
        Assert.False(info.EnableIcc);
        Assert.Empty(info.Containers);
    }

    [Fact]
    public Task UnknownNetworkIs404() => _http.GetProblemAsync("/api/networks/dt-no-such-network", HttpStatusCode.NotFound);
}
