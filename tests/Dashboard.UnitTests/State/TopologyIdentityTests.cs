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
}
