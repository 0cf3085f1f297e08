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
    public void ForwardedHeadersTakesAddressesAndRangesAndNamesEveryBadEntry()
    {
        Assert.True(_validator.Validate(null, new DashboardOptions { ForwardedHeaders = "172.18.0.1; 10.0.0.0/8, fd00::/8;::1" }).Succeeded);

        var result = _validator.Validate(null, new DashboardOptions { ForwardedHeaders = "proxy.lan;10.0.0.0/33;172.18.0.1", RateLimit = new() { FailureBurst = 0 } });
        var failures = result.Failures!.ToList();
        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.Contains("Dashboard:ForwardedHeaders entry 'proxy.lan'"));
        Assert.Contains(failures, f => f.Contains("Dashboard:ForwardedHeaders entry '10.0.0.0/33'"));
        Assert.Contains(failures, f => f.Contains("Dashboard:RateLimit:FailureBurst"));
    }

    [Fact]
    public void DescriptorScanIntervalUnderASecondIsRefused()
    {
        foreach (var interval in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(1) })
        {
            var result = _validator.Validate(null, new DashboardOptions { DescriptorScanInterval = interval });
            Assert.Contains("Dashboard:DescriptorScanInterval must be a TimeSpan of at least 00:00:01", Assert.Single(result.Failures!));
        }
    }

    [Fact]
    public void FallbackScanIntervalMustBeSensible()
    {
        var result = _validator.Validate(null, new DashboardOptions { FallbackScanInterval = TimeSpan.Zero });
        Assert.Contains("Dashboard:FallbackScanInterval must be a TimeSpan between", Assert.Single(result.Failures!));
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

    [Fact]
    public void AccessProblemsAreReportedTogetherWithTheOthers()
    {
        var result = _validator.Validate(null, new DashboardOptions
        {
            ProcRoot = "relative/proc",
            AccessToken = "short",
            AllowedHosts = "dash.example.com;http://proxy:8080/;*.lan",
            RateLimit = new RateLimitOptions { Burst = 0, RequestsPerSecond = -1 },
        });

        var failures = result.Failures!.ToList();
        Assert.Equal(5, failures.Count);
        Assert.Contains(failures, f => f.Contains("Dashboard:ProcRoot"));
        Assert.Contains(failures, f => f.StartsWith("Dashboard:AccessToken is 5 characters long; an access token needs at least 16", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Dashboard:AllowedHosts entry 'http://proxy:8080/'"));
        Assert.Contains(failures, f => f.Contains("Dashboard:RateLimit:Burst"));
        Assert.Contains(failures, f => f.Contains("Dashboard:RateLimit:RequestsPerSecond"));
        Assert.DoesNotContain(failures, f => f.Contains("short"));
    }

    [Fact]
    public void AccessTokenFileMissingIsAStartupError()
    {
        var result = _validator.Validate(null, new DashboardOptions { AccessTokenFile = "/nonexistent/dt-token" });
        Assert.Equal("Dashboard:AccessTokenFile '/nonexistent/dt-token' does not exist.", Assert.Single(result.Failures!));
    }

    [Fact]
    public void AccessTokenAndFileTogetherAreAmbiguous()
    {
        var result = _validator.Validate(null, new DashboardOptions { AccessToken = "0123456789abcdef0123", AccessTokenFile = "/run/secrets/token" });
        Assert.Contains("both set", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData("0123456789abcdef0123", null)]
    [InlineData(null, "/run/secrets/token")]
    public void OpenOnLoopbackAndATokenContradictEachOther(string? token, string? file)
    {
        var result = _validator.Validate(null, new DashboardOptions { OpenOnLoopback = true, AccessToken = token, AccessTokenFile = file });
        Assert.Contains(result.Failures!, f => f.StartsWith("Dashboard:OpenOnLoopback=true and an access token", StringComparison.Ordinal));
    }

    [Fact]
    public void OpenOnLoopbackAloneIsValid() =>
        Assert.True(_validator.Validate(null, new DashboardOptions { OpenOnLoopback = true }).Succeeded);

    [Fact]
    public void ATokenOfPrintableAsciiIsValid() =>
        Assert.True(_validator.Validate(null, new DashboardOptions { AccessToken = "Xy7-_.~!0123456789abc", AllowedHosts = "dash.example.com; *.lan ,other" }).Succeeded);

    [Theory]
    [InlineData("unix:///var/run/docker.sock")]
    [InlineData("unix:///proc/1/root/run/docker.sock")]
    [InlineData("tcp://127.0.0.1:2375")]
    [InlineData("http://localhost:2375")]
    public void EndpointSchemesTheClientSpeaks(string endpoint) =>
        Assert.True(_validator.Validate(null, new DashboardOptions { DockerEndpoint = endpoint }).Succeeded);
}

public sealed class ListenAddressesTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.2:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://unix:/run/dashboard.sock", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://192.168.1.10:8080", false)]
    [InlineData("http://dash.lan:8080", false)]
    [InlineData("http://<file handle>", false)]
    public void LoopbackIsToldApart(string address, bool loopback) =>
        Assert.Equal(loopback, ListenAddresses.IsLoopback(address));

    [Theory]
    [InlineData("http://dash.lan:8080", "dash.lan")]
    [InlineData("http://localhost:5080", null)]
    [InlineData("http://127.0.0.1:5080", null)]
    [InlineData("http://[::]:5080", null)]
    [InlineData("http://+:5080", null)]
    public void ListenNamesAreHostNamesOnly(string address, string? name) =>
        Assert.Equal(name, ListenAddresses.HostName(address));
}
