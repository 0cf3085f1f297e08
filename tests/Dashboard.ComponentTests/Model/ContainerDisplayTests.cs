using MudBlazor;

namespace Dashboard.ComponentTests.Model;

public sealed class ContainerDisplayTests
{
    [Theory]
    [InlineData("running", Color.Success)]
    [InlineData("paused", Color.Warning)]
    [InlineData("restarting", Color.Warning)]
    [InlineData("exited", Color.Default)]
    [InlineData("created", Color.Default)]
    [InlineData("dead", Color.Error)]
    public void State_colours(string state, Color color) => Assert.Equal(color, ContainerDisplay.StateColor(state));

    [Fact]
    public void Short_id_is_docker_s_twelve_characters()
    {
        Assert.Equal("3f9c2a71d4e8", ContainerDisplay.ShortId("3f9c2a71d4e8b0c5a9e1f2d3c4b5a6978877665544332211aabbccddeeff0011"));
        Assert.Equal("abc", ContainerDisplay.ShortId("abc"));
    }

    [Theory]
    [InlineData(null, "(default)")]
    [InlineData("", "(default)")]
    [InlineData("host", "host")]
    public void Empty_modes_are_docker_s_default(string? mode, string shown) => Assert.Equal(shown, ContainerDisplay.Mode(mode));
}
