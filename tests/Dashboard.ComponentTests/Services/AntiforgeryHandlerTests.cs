using System.Net;
using System.Net.Http.Json;

namespace Dashboard.ComponentTests.Services;

/// <summary>The app's HttpClient sends the antiforgery token with what changes data, and only to its own server.</summary>
public sealed class AntiforgeryHandlerTests
{
    private static readonly Uri s_base = new("http://127.0.0.1:5080/");

    private sealed class FakeServer : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];
        public int TokensHandedOut { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (request.RequestUri!.AbsolutePath == "/api/antiforgery")
            {
                TokensHandedOut++;
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = JsonContent.Create(new AntiforgeryToken { HeaderName = "X-XSRF-TOKEN", RequestToken = $"token-{TokensHandedOut}" }, options: DashboardJson.Options),
                });
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created));
        }
    }

    [Fact]
    public async Task PostAndDeleteCarryAFreshTokenEachTime()
    {
        var server = new FakeServer();
        using var http = new HttpClient(new AntiforgeryHandler(s_base, server)) { BaseAddress = s_base };

        await http.PostAsync("api/snapshots", null, Xunit.TestContext.Current.CancellationToken);
        await http.DeleteAsync("api/snapshots/7", Xunit.TestContext.Current.CancellationToken);

        var writes = server.Requests.Where(r => r.RequestUri!.AbsolutePath != "/api/antiforgery").ToList();
        Assert.Equal(2, server.TokensHandedOut);
        Assert.Equal(["token-1"], writes[0].Headers.GetValues("X-XSRF-TOKEN"));
        Assert.Equal(["token-2"], writes[1].Headers.GetValues("X-XSRF-TOKEN"));
    }

    [Fact]
    public async Task ReadsGoAsTheyAre()
    {
        var server = new FakeServer();
        using var http = new HttpClient(new AntiforgeryHandler(s_base, server)) { BaseAddress = s_base };

        await http.GetAsync("api/snapshots", Xunit.TestContext.Current.CancellationToken);
        await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "api/status"), Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(0, server.TokensHandedOut);
        Assert.All(server.Requests, r => Assert.False(r.Headers.Contains("X-XSRF-TOKEN")));
    }

    [Fact]
    public async Task OtherServersNeverSeeTheToken()
    {
        var server = new FakeServer();
        using var http = new HttpClient(new AntiforgeryHandler(s_base, server)) { BaseAddress = s_base };

        await http.PostAsync("http://127.0.0.1:9999/api/snapshots", null, Xunit.TestContext.Current.CancellationToken);
        await http.PostAsync("https://127.0.0.1:5080/api/snapshots", null, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(0, server.TokensHandedOut);
        Assert.All(server.Requests, r => Assert.False(r.Headers.Contains("X-XSRF-TOKEN")));
    }
}
