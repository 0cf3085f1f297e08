using System.Net;
using System.Text.RegularExpressions;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Access;

/// <summary>
/// Without a configured token, wherever it listens, the server makes one up at every start and prints one line with a
/// login URL on standard output; the token never goes into the log.
/// </summary>
public sealed partial class GeneratedTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ADefaultStartPrintsOneLoginUrlWhoseTokenWorks()
    {
        await using var server = ServerProcess.Start("Production", "--urls", "http://127.0.0.1:0");
        var line = await server.WaitForStdOutAsync(l => l.Contains("/login?t="), TimeSpan.FromSeconds(90), Ct);
        var login = LoginLine().Match(line);
        Assert.True(login.Success, $"not a login line a terminal can show as a link: '{line}'");
        var baseAddress = new Uri(login.Groups[1].Value);
        var token = login.Groups[2].Value;

        using var anonymous = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
        using (var refused = await anonymous.GetAsync("/api/status", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var bearer = new HttpClient { BaseAddress = baseAddress };
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using (var served = await bearer.GetAsync("/api/status", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = baseAddress };
        using (var loggedIn = await browser.GetAsync($"/login?t={token}", Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, loggedIn.StatusCode);
            Assert.Equal("/", loggedIn.Headers.Location?.OriginalString);
        }

        using (var withCookie = await browser.GetAsync("/api/status", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, withCookie.StatusCode);
        }

        // The log says a token was made and where to find it, as information, and never holds the token itself.
        await server.WaitForStdOutAsync(l => l.Contains("No access token configured: generated one for this run"), TimeSpan.FromSeconds(30), Ct);
        var stdout = server.StdOut;
        Assert.Equal(line, Assert.Single(stdout, l => l.Contains("/login?t=")));
        Assert.Single(stdout, l => l.Contains(token));
        Assert.DoesNotContain(server.StdErr, l => l.Contains(token));
        Assert.DoesNotContain(stdout, l => l.StartsWith("warn: Dashboard.Server.Authentication", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BeyondLoopbackATokenIsRequiredAndStaysOutOfTheLog()
    {
        // Bound to every address, asked only through loopback.
        using var server = new SocketAccessDashboard(IPAddress.Any, token: null);
        server.Factory.Settings["Dashboard:OpenOnLoopback"] = "false";
        using var anonymous = server.Client();
        using (var refused = await anonymous.GetAsync("/api/status", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using (var login = await anonymous.GetAsync("/login", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var log = server.Factory.Log.ToList();
        Assert.Contains(log, l => l.StartsWith("Information", StringComparison.Ordinal) && l.Contains($"generated one for this run (listening on http://0.0.0.0:{server.Port})"));
        Assert.Null(CapturingLoggerProvider.LoginUrl(log));
    }

    [Fact]
    public async Task AnInProcessHostWithoutSocketsRequiresAToken()
    {
        using var factory = new AccessFactory();
        factory.Settings.Remove("Dashboard:AccessToken");
        factory.Settings["Dashboard:OpenOnLoopback"] = "false";
        using var anonymous = factory.Anonymous();
        using var refused = await anonymous.GetAsync("/api/status", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains(factory.Log, l => l.Contains("No access token configured: generated one for this run"));
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

    /// <summary>The whole line: the URL ends it, so a terminal's link detection takes nothing more.</summary>
    [GeneratedRegex(@"^Log in to the dashboard at (http://127\.0\.0\.1:\d+)/login\?t=([0-9a-f]{48})$")]
    private static partial Regex LoginLine();
}
