using System.Text.Json;
using Dashboard.Shared.Contracts;

namespace Dashboard.UnitTests;

public sealed class NamespaceTypeTests
{
    [Theory]
    [InlineData("mnt"), InlineData("pid"), InlineData("net"), InlineData("uts")]
    [InlineData("ipc"), InlineData("user"), InlineData("cgroup"), InlineData("time")]
    public void KernelNamesRoundTrip(string name)
    {
        Assert.True(NamespaceTypes.TryParse(name, out var type));
        Assert.Equal(name, type.ToKernelName());
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(type, DashboardJson.Options));
    }

    [Theory]
    [InlineData("NET"), InlineData("network"), InlineData(""), InlineData(null), InlineData("pid_for_children")]
    public void UnknownNamesAreRejected(string? name) => Assert.False(NamespaceTypes.TryParse(name, out _));

    [Fact]
    public void DictionaryKeysUseKernelNames()
    {
        var json = JsonSerializer.Serialize(
            new Dictionary<NamespaceType, ulong> { [NamespaceType.Cgroup] = 4026531835, [NamespaceType.Mnt] = 1 },
            DashboardJson.Options);
        Assert.Equal("{\"cgroup\":4026531835,\"mnt\":1}", json);
        var back = JsonSerializer.Deserialize<Dictionary<NamespaceType, ulong>>(json, DashboardJson.Options)!;
        Assert.Equal(4026531835UL, back[NamespaceType.Cgroup]);
    }

    [Fact]
    public void AllListsEachTypeOnce() =>
        Assert.Equal(Enum.GetValues<NamespaceType>().Order(), NamespaceTypes.All.Order());
}
