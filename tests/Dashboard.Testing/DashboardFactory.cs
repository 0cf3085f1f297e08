using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Dashboard.Testing;

/// <summary>The real server in-process, against the real /proc and the local engine, with its own database file.</summary>
public class DashboardFactory : WebApplicationFactory<Program>
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "dt-dashboard-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Settings applied on top of appsettings.json, e.g. <c>Dashboard:DockerEndpoint</c>.</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        builder.UseSetting("Dashboard:DatabasePath", Path.Combine(_dataDir, "dashboard.db"));
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
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
