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
