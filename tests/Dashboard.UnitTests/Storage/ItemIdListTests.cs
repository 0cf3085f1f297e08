using Dashboard.Server.Storage;

namespace Dashboard.UnitTests.Storage;

public sealed class ItemIdListTests
{
    [Theory]
    [InlineData(new long[0])]
    [InlineData(new long[] { 1 })]
    [InlineData(new long[] { 1, 2, 3, 4 })]
    [InlineData(new long[] { 900, 3, 901, 2, 5_000_000_000 })]
    [InlineData(new long[] { long.MaxValue, 1, long.MaxValue })]
    public void RoundTrips(long[] ids) => Assert.Equal(ids, ItemIdList.Decode(ItemIdList.Encode(ids)));

    [Fact]
    public void NeighbouringIdsTakeAByteEach()
    {
        var ids = Enumerable.Range(1000, 500).Select(i => (long)i).ToArray();
        // The first id takes two bytes; each later one is a delta of 1.
        Assert.Equal(2 + 499, ItemIdList.Encode(ids).Length);
    }

    [Fact]
    public void ATruncatedListIsRefused() =>
        Assert.Throws<FormatException>(() => ItemIdList.Decode(ItemIdList.Encode([300])[..1]));
}
