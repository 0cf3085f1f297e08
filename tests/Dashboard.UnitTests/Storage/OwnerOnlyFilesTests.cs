using Dashboard.Server.Storage;

namespace Dashboard.UnitTests.Storage;

public sealed class OwnerOnlyFilesTests
{
    [Theory]
    [InlineData("644", "600")]
    [InlineData("666", "600")]
    [InlineData("777", "700")]
    [InlineData("600", "600")]
    [InlineData("400", "400")]
    [InlineData("4755", "4700")]
    [InlineData("070", "000")]
    public void TheGroupsAndOthersBitsGoTheOwnersStay(string before, string after) =>
        Assert.Equal(Convert.ToInt32(after, 8), (int)OwnerOnlyFiles.Tightened((UnixFileMode)Convert.ToInt32(before, 8)));

    [Theory]
    [InlineData("600", "0600")]
    [InlineData("7", "0007")]
    [InlineData("4755", "04755")]
    public void ModesAreWrittenAsChmodTakesThem(string mode, string text) =>
        Assert.Equal(text, OwnerOnlyFiles.Octal((UnixFileMode)Convert.ToInt32(mode, 8)));
}
