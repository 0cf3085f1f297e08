using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dashboard.Testing;

/// <summary>The real server in-process, against the real /proc and the local engine, with its own database file.</summary>
public class DashboardFactory : WebApplicationFactory<Program>
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "dt-dashboard-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// Settings applied on top of appsettings.json, e.g. <c>Dashboard:DockerEndpoint</c>. Without an access token among
    /// them the dashboard runs open (<c>Dashboard:OpenOnLoopback</c>): it is reached on loopback or in-process only, and
    /// tests that are not about access need no token. Set <c>Dashboard:OpenOnLoopback</c> to false for the real default.
    /// </summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>Replaces services after the server's own registrations (a test seam, e.g. an event source that fails to open).</summary>
    public Action<IServiceCollection>? ServiceOverrides { get; set; }

    /// <summary>The server's latest log lines, for a failing test to show.</summary>
    public RecentLog ServerLog { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        builder.ConfigureLogging(logging => logging.AddProvider(ServerLog).AddFilter<RecentLog>(level => true));
        builder.UseSetting("Dashboard:DatabasePath", Path.Combine(_dataDir, "dashboard.db"));
        if (!Settings.ContainsKey("Dashboard:AccessToken") && !Settings.ContainsKey("Dashboard:AccessTokenFile"))
        {
            builder.UseSetting("Dashboard:OpenOnLoopback", "true");
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (ServiceOverrides is { } overrides)
        {
            builder.ConfigureTestServices(overrides);
        }

        // Outside Development the _content/ assets of MudBlazor are only found through the static web assets manifest.
        builder.UseStaticWebAssets();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
