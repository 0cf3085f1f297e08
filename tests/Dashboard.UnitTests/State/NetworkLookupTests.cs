using Dashboard.Server.State;
using Dashboard.Shared.Contracts;

namespace Dashboard.UnitTests.State;

public sealed class NetworkLookupTests
{
    private static DockerNetworkInfo N(string id, string name) => new()
    {
        Id = id + new string('0', 64 - id.Length), Name = name, Driver = "bridge", Internal = false, EnableIcc = true,
        Subnets = [], Gateways = [], Containers = [],
    };

    private static readonly DockerNetworkInfo[] All = [N("ab12", "bridge"), N("ab34", "mynetwork"), N("cd56", "ab")];

    [Theory]
    [InlineData("mynetwork", "mynetwork")]
    [InlineData("ab", "ab")]
    [InlineData("ab1", "bridge")]
    [InlineData("cd", "ab")]
    public void FindsByIdNameOrUniquePrefix(string query, string expected) =>
        Assert.Equal(expected, NetworkLookup.Find(All, query).Network?.Name);

    [Fact]
    public void AmbiguousPrefixCountsTheMatches()
    {
        var (network, matches) = NetworkLookup.Find(All, "a");
        Assert.Null(network);
        Assert.Equal(2, matches);
    }

    [Fact]
    public void NothingMatchesNothing() => Assert.Equal((null, 0), NetworkLookup.Find(All, "zz"));
}
