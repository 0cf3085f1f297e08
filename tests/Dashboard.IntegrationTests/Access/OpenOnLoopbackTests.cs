using System.Net;

namespace Dashboard.IntegrationTests.Access;

/// <summary><c>Dashboard:OpenOnLoopback=true</c>: open without a token on loopback (and it says so), refused beyond it.</summary>
public sealed class OpenOnLoopbackTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OnLoopbackItRunsOpenAndSaysSo()
    {
        using var server = new SocketAccessDashboard(IPAddress.Loopback, token: null);
        server.Factory.Settings["Dashboard:OpenOnLoopback"] = "true";
        using var anonymous = server.Client();
        using var served = await anonymous.GetAsync("/api/status", Ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);

        var log = server.Factory.Log.ToList();
        Assert.Contains(log, l => l.StartsWith("Warning", StringComparison.Ordinal)
            && l.Contains($"the dashboard is open, without a token, to every user and program on this machine (it listens on http://127.0.0.1:{server.Port} only)"));
        Assert.Null(CapturingLoggerProvider.LoginUrl(log));
        using var login = await anonymous.GetAsync("/login", Ct);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
    }

    [Fact]
    public async Task BeyondLoopbackTheServerRefusesToStart()
    {
        await using var server = ServerProcess.Start("Production", "--urls", "http://0.0.0.0:0", "--Dashboard:OpenOnLoopback", "true");
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(90), Ct);

        Assert.True(exitCode == 1, $"exit code {exitCode}.\n{server.Output()}");
        var reason = Assert.Single(server.StdErr, l => l.StartsWith("The dashboard did not start:", StringComparison.Ordinal));
        Assert.Contains("Dashboard:OpenOnLoopback=true, but the server listens beyond loopback on http://0.0.0.0:", reason);
        Assert.DoesNotContain(server.StdOut, l => l.Contains("/login?t="));
    }

    [Fact]
    public async Task BadSettingsStopTheStartWithEveryProblemAndExitCodeOne()
    {
        await using var server = ServerProcess.Start("Production", "--urls", "http://127.0.0.1:0",
            "--Dashboard:OpenOnLoopback", "true", "--Dashboard:AccessToken", "short", "--Dashboard:ScanInterval", "00:00:00");
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(90), Ct);

        Assert.True(exitCode == 1, $"exit code {exitCode}.\n{server.Output()}");
        Assert.Contains("The dashboard did not start: its settings have problems:", server.StdErr);
        Assert.Contains(server.StdErr, l => l.Contains("Dashboard:AccessToken is 5 characters long", StringComparison.Ordinal));
        Assert.Contains(server.StdErr, l => l.Contains("Dashboard:ScanInterval", StringComparison.Ordinal));
        Assert.DoesNotContain(server.StdErr, l => l.Contains("Unhandled exception", StringComparison.Ordinal));
    }
}
