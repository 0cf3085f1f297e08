using System.Net;

namespace Dashboard.IntegrationTests.Access;

/// <summary>Without a configured token: open on loopback (and it says so), a token of its own beyond it.</summary>
public sealed class GeneratedTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListeningBeyondLoopbackGeneratesATokenAndPrintsALoginUrlThatWorks()
    {
        // Bound to every address, asked only through loopback.
        using var server = new SocketAccessDashboard(IPAddress.Any, token: null);
        using var anonymous = server.Client();
        using (var refused = await anonymous.GetAsync("/api/status", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var log = server.Factory.Log.ToList();
        Assert.Contains(log, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("no access token is configured: generated one"));
        var login = CapturingLoggerProvider.LoginUrl(log);
        Assert.True(login is not null, "no login URL in the log:\n" + string.Join('\n', log));
        Assert.Equal($"http://localhost:{server.Port}", login.Groups[1].Value);
        var token = login.Groups[2].Value;
        Assert.Equal(48, token.Length);

        using var bearer = server.Client();
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using (var served = await bearer.GetAsync("/api/status", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using var browser = server.Client(cookies: true);
        using (var loggedIn = await browser.GetAsync($"/login?t={token}", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, loggedIn.StatusCode);
            Assert.Equal("/", loggedIn.Headers.Location?.OriginalString);
        }

        using var page = await browser.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task OnLoopbackWithoutTokenItRunsOpenAndSaysSo()
    {
        using var server = new SocketAccessDashboard(IPAddress.Loopback, token: null);
        using var anonymous = server.Client();
        using var served = await anonymous.GetAsync("/api/status", Ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        var log = server.Factory.Log.ToList();
        Assert.Contains(log, l => l.Contains("No access token: the dashboard is open to every user and program on this machine"));
        Assert.Null(CapturingLoggerProvider.LoginUrl(log));
        using var login = await anonymous.GetAsync("/login", Ct);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    [Fact]
    public async Task AConfiguredTokenIsNeverPrinted()
    {
        using var server = new SocketAccessDashboard(IPAddress.Any, AccessFactory.Token);
        using var anonymous = server.Client();
        using var refused = await anonymous.GetAsync("/api/status", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var log = server.Factory.Log.ToList();
        Assert.Contains(log, l => l.Contains("Access token required (Dashboard:AccessToken)"));
        Assert.DoesNotContain(log, l => l.Contains(AccessFactory.Token));
        Assert.Null(CapturingLoggerProvider.LoginUrl(log));
    }
}
