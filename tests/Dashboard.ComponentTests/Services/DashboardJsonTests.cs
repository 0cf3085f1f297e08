using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dashboard.ComponentTests.Fakes;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;

namespace Dashboard.ComponentTests.Services;

/// <summary>The generated JSON (DashboardJsonContext) reads and writes exactly what reflection does.</summary>
public sealed class DashboardJsonTests
{
    private static readonly JsonSerializerOptions s_reflection = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    private static LiveMessage Message => new()
    {
        Epoch = "e1",
        FromVersion = 0,
        ToVersion = 3,
        PublishedAt = SampleSnapshots.Now,
        Snapshot = new LiveSnapshot
        {
            Status = SampleData.Status,
            Containers = SampleData.Containers,
            Namespaces = [.. SampleData.Namespaces.Select(n => n.ToSummary())],
            Networks = SampleSnapshots.Past.State.Networks,
            NetworkNamespaces = SampleSnapshots.Past.State.NetworkNamespaces,
            Topology = new TopologyGraph { Nodes = [], Edges = [] },
        },
    };

    [Fact]
    public void The_hubs_message_is_written_alike()
    {
        Assert.True(DashboardJsonContext.Default.GetTypeInfo(typeof(LiveMessage)) is not null, "the context knows the hub's message");
        Assert.Equal(JsonSerializer.Serialize(Message, s_reflection), JsonSerializer.Serialize(Message, DashboardJson.Options));
    }

    [Fact]
    public void What_reflection_wrote_the_generated_reader_reads_back_the_same()
    {
        var json = JsonSerializer.Serialize(SampleData.Containers, s_reflection);
        var read = JsonSerializer.Deserialize<List<ContainerInfo>>(json, DashboardJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(read, s_reflection));
        Assert.Equal(json, JsonSerializer.Serialize(read, DashboardJsonContext.Default.ListContainerInfo));
    }

    [Fact]
    public void A_snapshots_detail_and_diff_are_written_alike()
    {
        Assert.Equal(JsonSerializer.Serialize(SampleSnapshots.Past, s_reflection), JsonSerializer.Serialize(SampleSnapshots.Past, DashboardJson.Options));
        Assert.Equal(JsonSerializer.Serialize(SampleSnapshots.Diff(), s_reflection), JsonSerializer.Serialize(SampleSnapshots.Diff(), DashboardJson.Options));
    }
}
