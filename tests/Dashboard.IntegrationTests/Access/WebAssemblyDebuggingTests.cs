using System.Net;

namespace Dashboard.IntegrationTests.Access;

/// <summary>
/// In Development (as `dotnet run` starts it) the WebAssembly debug proxy is served, but only behind the Host/Origin
/// checks and the token: it starts a process that drives the browser's dev tools.
/// </summary>
public sealed class WebAssemblyDebuggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheDebugProxyNeedsTheToken()
    {
        await using var server = ServerProcess.Start("Development", "--urls", "http://127.0.0.1:0");
        var line = await server.WaitForStdOutAsync(l => l.Contains("/login?t=", StringComparison.Ordinal), TimeSpan.FromSeconds(90), Ct);
        var login = CapturingLoggerProvider.LoginUrl([line]) ?? throw new InvalidOperationException($"no login URL in '{line}'");
        var baseAddress = new Uri(login.Groups[1].Value);
        string[] paths = ["/_framework/debug/ws-proxy?browser=ws://127.0.0.1:1/x", "/_framework/debug"];

        using var anonymous = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        foreach (var path in paths)
        {
            using var refused = await anonymous.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer realm=\"dashboard\"", refused.Headers.WwwAuthenticate.ToString());
        }

        // With the token the proxy answers as it does (a redirect to the debug proxy, its target page): not a refusal.
        using var bearer = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", login.Groups[2].Value);
        foreach (var path in paths)
        {
            using var answered = await bearer.GetAsync(path, Ct);
            Assert.NotEqual(HttpStatusCode.Unauthorized, answered.StatusCode);
            Assert.NotEqual(HttpStatusCode.Forbidden, answered.StatusCode);
        }

        // A page of a rebound name reaches the loopback port, but not the proxy.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, paths[0]) { Headers = { Host = "rebind.example" } };
        using var unknownHost = await bearer.SendAsync(rebound, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unknownHost.StatusCode);
    }
}
