using Dashboard.Server.Configuration;

namespace Dashboard.UnitTests.Configuration;

public sealed class DashboardOptionsValidatorTests
{
    private readonly DashboardOptionsValidator _validator = new();

    [Fact]
    public void DefaultsAreValid() => Assert.True(_validator.Validate(null, new DashboardOptions()).Succeeded);

    [Fact]
    public void EveryProblemIsReportedTogether()
    {
        var result = _validator.Validate(null, new DashboardOptions
        {
            ProcRoot = "relative/proc",
            DockerEndpoint = "ftp://docker",
            DatabasePath = " ",
            DockerTimeout = TimeSpan.Zero,
            DescriptorScanInterval = TimeSpan.FromSeconds(-1),
        });

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.Contains("Dashboard:ProcRoot") && f.Contains("absolute"));
        Assert.Contains(failures, f => f.Contains("Dashboard:DockerEndpoint") && f.Contains("unix:///var/run/docker.sock"));
        Assert.Contains(failures, f => f.Contains("Dashboard:DatabasePath"));
        Assert.Contains(failures, f => f.Contains("Dashboard:DockerTimeout") && f.Contains("00:00:05"));
        Assert.Contains(failures, f => f.Contains("Dashboard:DescriptorScanInterval") && f.Contains("-00:00:01"));
    }

    [Fact]
    public void DescriptorScanIntervalOfZeroIsRefused()
    {
        var result = _validator.Validate(null, new DashboardOptions { DescriptorScanInterval = TimeSpan.Zero });
        Assert.Contains("Dashboard:DescriptorScanInterval must be a positive TimeSpan", Assert.Single(result.Failures!));
    }

    [Fact]
    public void ProcRootMustLookLikeProc()
    {
        var dir = Directory.CreateTempSubdirectory("dt-notproc-");
        try
        {
            var result = _validator.Validate(null, new DashboardOptions { ProcRoot = dir.FullName });
            Assert.Contains("does not look like a proc filesystem", Assert.Single(result.Failures!));
        }
        finally
        {
            dir.Delete();
        }
    }

    [Theory]
    [InlineData("unix:///var/run/docker.sock")]
    [InlineData("unix:///proc/1/root/run/docker.sock")]
    [InlineData("tcp://127.0.0.1:2375")]
    [InlineData("http://localhost:2375")]
    public void EndpointSchemesTheClientSpeaks(string endpoint) =>
        Assert.True(_validator.Validate(null, new DashboardOptions { DockerEndpoint = endpoint }).Succeeded);
}

public sealed class ListenAddressCheckTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.2:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://192.168.1.10:8080", false)]
    public void LoopbackIsToldApart(string address, bool loopback) =>
        Assert.Equal(loopback, Dashboard.Server.Configuration.ListenAddressCheck.IsLoopback(address));
}

public sealed class LoopbackOnlyTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("172.17.0.1", false)]
    [InlineData("::ffff:192.0.2.1", false)]
    [InlineData("2001:db8::1", false)]
    public void OnlyLoopbackIsLocal(string address, bool local) =>
        Assert.Equal(local, Dashboard.Server.Configuration.LoopbackOnly.IsLocal(System.Net.IPAddress.Parse(address)));

    [Fact]
    public void AnInProcessHostWithoutSocketIsLocal() => Assert.True(Dashboard.Server.Configuration.LoopbackOnly.IsLocal(null));
}
