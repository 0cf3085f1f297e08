using MudBlazor;

namespace Dashboard.ComponentTests.Model;

public sealed class SharingDisplayTests
{
    private static readonly ContainerRef Web1 = new() { Id = "3f9c2a71d4e8", Name = "web1" };
    private static readonly ContainerRef Web2 = new() { Id = "8d41e0b7c2a9", Name = "web2" };

    [Theory]
    [InlineData(Sharing.Private, "private")]
    [InlineData(Sharing.Host, "host")]
    [InlineData(Sharing.Shared, "shared")]
    public void Labels_without_partners(Sharing sharing, string label) =>
        Assert.Equal(label, SharingDisplay.Label(sharing, []));

    [Fact]
    public void Shared_names_the_partners_in_order() =>
        Assert.Equal("shared: web1, web2", SharingDisplay.Label(Sharing.Shared, [Web1, Web2]));

    [Fact]
    public void Host_stays_short_even_when_other_containers_use_it_too() =>
        Assert.Equal("host", SharingDisplay.Label(Sharing.Host, [Web1, Web2]));

    [Theory]
    [InlineData(Sharing.Private, Color.Default, Variant.Outlined)]
    [InlineData(Sharing.Shared, Color.Info, Variant.Filled)]
    [InlineData(Sharing.Host, Color.Warning, Variant.Filled)]
    public void Colours_make_the_exceptions_stand_out(Sharing sharing, Color color, Variant variant)
    {
        Assert.Equal(color, SharingDisplay.ChipColor(sharing));
        Assert.Equal(variant, SharingDisplay.ChipVariant(sharing));
    }

    [Fact]
    public void Tooltip_gives_the_inode_and_for_host_who_else_is_there()
    {
        Assert.Equal("inode 4026532286", SharingDisplay.Tooltip(4026532286, Sharing.Shared, [Web2]));
        Assert.Equal("inode 4026531836 (the host's own namespace); also used by web1",
            SharingDisplay.Tooltip(4026531836, Sharing.Host, [Web1]));
    }
}
