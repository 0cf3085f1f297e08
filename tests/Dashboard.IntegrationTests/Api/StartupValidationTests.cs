using Dashboard.Testing;
using Microsoft.Extensions.Options;

namespace Dashboard.IntegrationTests.Api;

public sealed class StartupValidationTests
{
    [Fact]
    public void BadSettingsStopTheServerWithEveryReason()
    {
        using var factory = new DashboardFactory();
        factory.Settings["Dashboard:ProcRoot"] = "proc";
        factory.Settings["Dashboard:DockerEndpoint"] = "docker.sock";
        factory.Settings["Dashboard:DockerTimeout"] = "00:00:00";

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());
        Assert.Equal(3, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("Dashboard:ProcRoot"));
        Assert.Contains(error.Failures, f => f.Contains("Dashboard:DockerEndpoint"));
        Assert.Contains(error.Failures, f => f.Contains("Dashboard:DockerTimeout"));
    }

    [Fact]
    public void DurationsAreReadAsTimeSpans()
    {
        using var factory = new DashboardFactory();
        factory.Settings["Dashboard:DockerTimeout"] = "00:00:02.500";
        factory.Settings["Dashboard:DescriptorScanInterval"] = "00:01:30";
        using var client = factory.CreateClient();
        var options = (IOptions<Dashboard.Server.Configuration.DashboardOptions>)factory.Services.GetService(typeof(IOptions<Dashboard.Server.Configuration.DashboardOptions>))!;
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.Value.DockerTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Value.DescriptorScanInterval);
    }
}
