using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.UnitTests.Model;

public sealed class ContainerLookupTests
{
    private static ContainerInfo C(string id, string name) => new()
    {
        Id = id, Name = name, Image = "i", State = "running", Created = DateTimeOffset.UnixEpoch,
        Labels = new Dictionary<string, string>(), HostConfig = new ContainerHostConfig { Privileged = false, CapAdd = [] },
        Mounts = [], Networks = [],
    };

    private static readonly ContainerInfo[] All =
    [
        C("abc123" + new string('0', 58), "web1"),
        C("abd456" + new string('0', 58), "web2"),
        // A container named like another's id prefix: the name wins, as in the Docker CLI.
        C("ffff00" + new string('0', 58), "abc"),
    ];

    [Theory]
    [InlineData("web1", "web1")]
    [InlineData("/web1", "web1")]
    [InlineData("%2Fweb1", "web1")]
    [InlineData("abd", "web2")]
    [InlineData("abc", "abc")]
    [InlineData("abc1", "web1")]
    [InlineData("ffff000000000000000000000000000000000000000000000000000000000000", "abc")]
    public void FindsByIdNameOrUniquePrefix(string query, string expected) =>
        Assert.Equal(expected, DockerLookup.FindContainer(All, query).Container?.Name);

    [Fact]
    public void AmbiguousPrefixIsReported()
    {
        var result = DockerLookup.FindContainer(All, "ab");
        Assert.False(result.Found);
        Assert.True(result.IsAmbiguous);
        Assert.Equal(2, result.Ambiguous.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nope")]
    public void UnknownIsNotFound(string query)
    {
        var result = DockerLookup.FindContainer(All, query);
        Assert.False(result.Found);
        Assert.False(result.IsAmbiguous);
    }
}
