using System.Text.Json;
using Dashboard.Shared.Contracts;

namespace Dashboard.UnitTests;

/// <summary>
/// The relation of a namespace's child and the reasons a hidden namespace lives on were strings on the wire and in
/// stored snapshots before they were enums: each value must still be written, and read, as that string.
/// </summary>
public sealed class NamespaceJsonNamesTests
{
    private static readonly Dictionary<KeptAliveReason, string> KeptAliveNames = new()
    {
        [KeptAliveReason.Thread] = "thread",
        [KeptAliveReason.BindMount] = "bind-mount",
        [KeptAliveReason.Fd] = "fd",
        [KeptAliveReason.Owner] = "owner",
        [KeptAliveReason.Parent] = "parent",
    };

    private static readonly Dictionary<NamespaceRelation, string> RelationNames = new()
    {
        [NamespaceRelation.Owned] = "owned",
        [NamespaceRelation.Child] = "child",
    };

    [Fact]
    public void EachKeptAliveReasonIsItsOldString() => AssertOldNames(KeptAliveNames);

    [Fact]
    public void EachRelationIsItsOldString() => AssertOldNames(RelationNames);

    [Fact]
    public void AnOldNamespaceDetailReadsAndWritesTheSameBytes()
    {
        const string stored = """
            {"processes":[],"uidMap":null,"gidMap":null,"children":[{"type":"net","inode":4026532530,"relation":"owned"},{"type":"user","inode":4026532531,"relation":"child"}],"type":"user","inode":4026532529,"processCount":0,"lowestPid":null,"command":null,"isInitial":false,"ownerInode":4026531837,"parentInode":4026531837,"containers":[],"bindMounts":["/run/netns/x"],"openDescriptors":[{"pid":812,"fd":7}],"hidden":true,"keptAliveBy":["thread","bind-mount","fd","owner","parent"]}
            """;

        var detail = JsonSerializer.Deserialize<NamespaceDetail>(stored, DashboardJson.Options)!;

        Assert.Equal(Enum.GetValues<KeptAliveReason>(), detail.KeptAliveBy);
        Assert.Equal([NamespaceRelation.Owned, NamespaceRelation.Child], detail.Children.Select(c => c.Relation));
        Assert.Equal(stored, JsonSerializer.Serialize(detail, DashboardJson.Options));
    }

    [Fact]
    public void AnUnknownReasonIsRefused() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<KeptAliveReason>("\"mount\"", DashboardJson.Options));

    private static void AssertOldNames<T>(Dictionary<T, string> names) where T : struct, Enum
    {
        Assert.Equal(Enum.GetValues<T>(), names.Keys.Order());
        foreach (var (value, name) in names)
        {
            Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(value, DashboardJson.Options));
            Assert.Equal(value, JsonSerializer.Deserialize<T>($"\"{name}\"", DashboardJson.Options));
        }
    }
}
