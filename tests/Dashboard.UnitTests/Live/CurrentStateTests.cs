using Dashboard.Server.Api;

namespace Dashboard.UnitTests.Live;

public sealed class CurrentStateTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData("", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public void FreshIsABoolean(string text, bool expected)
    {
        Assert.True(CurrentState.TryParseFresh(text, out var fresh));
        Assert.Equal(expected, fresh);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("yes please")]
    [InlineData("2")]
    public void AnythingElseIsRefused(string text) => Assert.False(CurrentState.TryParseFresh(text, out _));
}
