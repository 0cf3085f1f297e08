using Dashboard.Server;

namespace Dashboard.UnitTests.Configuration;

public sealed class HealthCheckCommandTests
{
    [Theory]
    [InlineData(null, "http://127.0.0.1:5080/")]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://+:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://*:9000/", "http://127.0.0.1:9000/")]
    [InlineData("http://[::]:8080", "http://127.0.0.1:8080/")]
    [InlineData("https://0.0.0.0:8443;http://127.0.0.1:8081", "http://127.0.0.1:8081/")]
    public void AsksTheServerOnLoopback(string? urls, string expected) =>
        Assert.Equal(new Uri(expected), HealthCheckCommand.LoopbackOf(urls));
}

public sealed class DockerEndpointsTests
{
    [Fact]
    public void SeveralAddressesAreKeptInOrder()
    {
        var uris = Dashboard.Server.Collection.Docker.DockerEndpoints.Parse(
            "unix:///proc/1/root/var/run/docker.sock; unix:///var/run/docker.sock;tcp://10.0.0.5:2375", out var invalid);
        Assert.Empty(invalid);
        Assert.Equal(["unix:///proc/1/root/var/run/docker.sock", "unix:///var/run/docker.sock", "tcp://10.0.0.5:2375"], uris.Select(u => u.OriginalString));
    }

    [Fact]
    public void EntriesThatAreNotEngineAddressesAreNamed()
    {
        Dashboard.Server.Collection.Docker.DockerEndpoints.Parse("unix:///var/run/docker.sock;docker.sock;ftp://x", out var invalid);
        Assert.Equal(["docker.sock", "ftp://x"], invalid);
    }
}
