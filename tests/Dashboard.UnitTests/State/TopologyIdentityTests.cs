using Dashboard.Server.State;

namespace Dashboard.UnitTests.State;

/// <summary>Generations that keep topology ids from outliving a namespace whose inode the kernel reuses.</summary>
public sealed class TopologyIdentityTests
{
    [Fact]
    public void NamespacesSeenForTheFirstTimeAreGenerationOne()
    {
        var identity = new TopologyIdentity();

        var generations = identity.Observe([4026531840, 4026532300]);

        Assert.Equal(1, generations[4026531840]);
        Assert.Equal(1, generations[4026532300]);
    }

    [Fact]
    public void ANamespacePresentInConsecutiveBuildsKeepsItsGeneration()
    {
        var identity = new TopologyIdentity();
        identity.Observe([4026532300]);
        identity.Observe([4026532300, 4026532400]);

        Assert.Equal(1, identity.Observe([4026532300])[4026532300]);
    }

    [Fact]
    public void AnInodeSeenAgainAfterMissingABuildIsANewNamespace()
    {
        var identity = new TopologyIdentity();
        identity.Observe([4026532300, 4026532400]);
        identity.Observe([4026532400]);

        var generations = identity.Observe([4026532300, 4026532400]);

        Assert.Equal(2, generations[4026532300]);
        Assert.Equal(1, generations[4026532400]);
        identity.Observe([]);
        Assert.Equal(3, identity.Observe([4026532300])[4026532300]);
    }

    [Fact]
    public void OnlyTheInodesOfTheBuildAreReturned()
    {
        var identity = new TopologyIdentity();
        identity.Observe([4026532300]);

        Assert.Equal([4026532400UL], identity.Observe([4026532400]).Keys);
    }

    [Fact]
    public void AStampWithACookieIsInodeColonCookieAndWithoutOneInodeDotGeneration()
    {
        Assert.Equal("4026532300:13316", TopologyIdentity.Stamp(4026532300, 13316, 4));
        Assert.Equal("4026532300.4", TopologyIdentity.Stamp(4026532300, null, 4));
    }

    [Fact]
    public void ACookieStampNeverEqualsAGenerationStamp()
    {
        // Cookie 2 and generation 2 of one inode must still be told apart.
        Assert.NotEqual(TopologyIdentity.Stamp(4026532300, 2, 1), TopologyIdentity.Stamp(4026532300, null, 2));
    }

    [Fact]
    public void ThePlaceOfAReusedInodeGetsANewStampFromItsCookieWhateverTheGeneration()
    {
        // The registry would see the inode in consecutive builds and keep generation 1; the cookie tells them apart.
        Assert.NotEqual(TopologyIdentity.Stamp(4026532300, 13316, 1), TopologyIdentity.Stamp(4026532300, 13402, 1));
        Assert.Equal(TopologyIdentity.Stamp(4026532300, 13316, 1), TopologyIdentity.Stamp(4026532300, 13316, 2));
    }
}
