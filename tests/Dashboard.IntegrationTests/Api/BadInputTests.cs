using System.Net;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Api;

/// <summary>Bad input gets a 4xx problem answer that says what was wrong; never a 500.</summary>
public sealed class BadInputTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Theory]
    [InlineData("/api/namespaces?type=network", "network")]
    [InlineData("/api/namespaces?type=NET", "NET")]
    [InlineData("/api/namespaces/bogus/4026531840", "bogus")]
    public async Task UnknownTypeIs400(string url, string echoed)
    {
        var problem = await _http.GetProblemAsync(url, HttpStatusCode.BadRequest);
        Assert.Contains(echoed, problem.GetProperty("detail").GetString());
        Assert.Contains("mnt, pid, net", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/api/namespaces/net/abc")]
    [InlineData("/api/namespaces/net/-1")]
    [InlineData("/api/namespaces/net/0")]
    [InlineData("/api/namespaces/net/99999999999999999999999")]
    [InlineData("/api/namespaces/net/1.5")]
    [InlineData("/api/netns/abc")]
    [InlineData("/api/netns/0")]
    public Task BadInodeIs400(string url) => _http.GetProblemAsync(url, HttpStatusCode.BadRequest);

    [Theory]
    [InlineData("/api/processes/abc")]
    [InlineData("/api/processes/0")]
    [InlineData("/api/processes/-5")]
    [InlineData("/api/processes/99999999999")]
    [InlineData("/api/namespaces?pid=x")]
    public Task BadPidIs400(string url) => _http.GetProblemAsync(url, HttpStatusCode.BadRequest);

    [Theory]
    [InlineData("/api/namespaces/net/1")]
    [InlineData("/api/netns/1")]
    [InlineData("/api/processes/2147483647")]
    [InlineData("/api/namespaces?pid=2147483647")]
    [InlineData("/api/containers/dt-no-such-container")]
    [InlineData("/api/containers/dt-no-such-container/namespaces")]
    [InlineData("/api/namespaces?container=dt-no-such-container")]
    public Task UnknownThingIs404(string url) => _http.GetProblemAsync(url, HttpStatusCode.NotFound);

    [Fact]
    public async Task OversizedIdIsRefusedWithout500()
    {
        using var response = await _http.GetAsync("/api/containers/" + new string('a', 20_000), TestContext.Current.CancellationToken);
        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Fact]
    public async Task OpenApiDocumentListsTheEndpoints()
    {
        var doc = await _http.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        foreach (var path in new[] { "/api/status", "/api/namespaces", "/api/namespaces/{type}/{inode}", "/api/containers", "/api/containers/{idOrName}", "/api/containers/{idOrName}/namespaces", "/api/processes/{pid}", "/api/networks", "/api/networks/{idOrName}", "/api/netns", "/api/netns/{inode}", "/api/topology", "/api/topology/reachability" })
        {
            Assert.Contains($"\"{path}\"", doc);
        }
    }
}
