using System.Net;
using System.Net.WebSockets;
using System.Text;
using Dashboard.Shared.Live;
using Dashboard.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Dashboard.IntegrationTests.Access;

/// <summary>One server with a token on a real loopback socket: real WebSockets, real SignalR clients, Kestrel's limits.</summary>
public sealed class TokenSocketFixture : IDisposable
{
    public SocketAccessDashboard Server { get; } = new(IPAddress.Loopback, AccessFactory.Token);

    public void Dispose() => Server.Dispose();
}

public sealed class SocketAccessTests(TokenSocketFixture fixture) : IClassFixture<TokenSocketFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Uri HubUrl(string query = "") => new(fixture.Server.Address, DashboardHubContract.Path.TrimStart('/') + query);

    [Fact]
    public async Task SignalRClientWithAccessTokenInTheQueryStringSubscribes()
    {
        // What a browser script does: WebSockets cannot carry headers, so the token rides in the URL.
        await using var live = await LiveSubscription.StartAsync(HubUrl($"?access_token={AccessFactory.Token}"), o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
        });
        Assert.True(live.Read(l => l.Namespaces.Count) >= 8);
    }

    [Fact]
    public async Task SignalRClientWithAccessTokenProviderNegotiatesAndSubscribes()
    {
        await using var live = await LiveSubscription.StartAsync(HubUrl(), o => o.AccessTokenProvider = () => Task.FromResult<string?>(AccessFactory.Token));
        Assert.NotNull(live.Read(l => l.Status));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-0123456789abcdef")]
    public async Task SignalRClientWithoutTheTokenIsRefused(string? token)
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(HubUrl(), o => o.AccessTokenProvider = () => Task.FromResult(token))
            .Build();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);

        // Straight to the WebSocket, skipping negotiation, changes nothing.
        var status = await WebSocketStatusAsync(HubUrl(token is null ? "" : $"?access_token={token}"), origin: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task WebSocketFromAnotherOriginIsRefusedEvenWithTheToken()
    {
        // CORS does not cover WebSockets: without the origin check any page the user opens could read the hub.
        var query = $"?access_token={AccessFactory.Token}";
        Assert.Equal(HttpStatusCode.Forbidden, await WebSocketStatusAsync(HubUrl(query), "http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await WebSocketStatusAsync(HubUrl(query), $"http://localhost:{fixture.Server.Port}"));
        Assert.Equal(HttpStatusCode.Forbidden, await WebSocketStatusAsync(HubUrl(query), "http://127.0.0.1:1"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WebSocketStatusAsync(HubUrl(query), $"http://127.0.0.1:{fixture.Server.Port}"));
    }

    [Fact]
    public async Task WebSocketWithTheLoginCookieConnects()
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = fixture.Server.Address };
        using (var login = await http.GetAsync($"/login?t={AccessFactory.Token}", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        // The browser's own connection: same origin, the cookie, no token anywhere.
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await WebSocketStatusAsync(HubUrl(), $"http://127.0.0.1:{fixture.Server.Port}", cookies));
    }

    [Fact]
    public async Task KestrelRefusesHugeUrlsHeadersAndBodies()
    {
        using var http = fixture.Server.Client();
        using (var url = await http.GetAsync("/api/containers/" + new string('a', 20_000), Ct))
        {
            Assert.Equal(HttpStatusCode.RequestUriTooLong, url.StatusCode);
        }

        using (var header = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { "X-Big", new string('b', 20_000) } } })
        using (var response = await http.SendAsync(header, Ct))
        {
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        }

        using var body = await http.PostAsync("/login", new StringContent("token=" + new string('c', 200_000), Encoding.UTF8, "application/x-www-form-urlencoded"), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, body.StatusCode);

        // And goes on serving.
        using var bearer = fixture.Server.Client();
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", AccessFactory.Token);
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/status", Ct)).StatusCode);
    }

    [Fact]
    public async Task UnknownHostOverARealSocketIs400()
    {
        using var http = fixture.Server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { Host = "rebind.evil.example" } };
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>The status of a raw WebSocket upgrade to <paramref name="url"/>: 101 when it connected.</summary>
    private static async Task<HttpStatusCode> WebSocketStatusAsync(Uri url, string? origin, CookieContainer? cookies = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        socket.Options.Cookies = cookies;
        var ws = new UriBuilder(url) { Scheme = "ws" }.Uri;
        try
        {
            await socket.ConnectAsync(ws, Ct);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }
}
