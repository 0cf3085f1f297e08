using Dashboard.Client.Pages;
using Dashboard.ComponentTests.Fakes;

namespace Dashboard.ComponentTests;

/// <summary>The topology page redraws when the live data says the graph changed.</summary>
public sealed class TopologyLiveTests : DashboardTest
{
    [Fact]
    public void Redraws_without_a_container_that_went_away()
    {
        var cut = RenderPage<Topology>();
        var web2 = SampleTopology.ContainerId("web2");
        cut.WaitForState(() => cut.FindAll($"[data-testid='node-{web2}']").Count == 1);

        Data.Topology = new TopologyGraph
        {
            Nodes = SampleTopology.Graph.Nodes.Where(n => n.Id != web2).ToList(),
            Edges = SampleTopology.Graph.Edges.Where(e => e.Source != web2 && e.Target != web2).ToList(),
        };
        Data.Notify(new DashboardChange { Kinds = DashboardChangeKinds.Topology });

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll($"[data-testid='node-{web2}']")));
        Assert.Single(cut.FindAll($"[data-testid='node-{SampleTopology.ContainerId("web1")}']"));
    }

    [Fact]
    public void Ignores_changes_that_touch_neither_the_graph_nor_reachability()
    {
        var cut = RenderPage<Topology>();
        cut.WaitForState(() => cut.FindAll("[data-testid^='node-']").Count > 0);

        Data.NotifyContainers(SampleData.Container("web2").Id);

        Assert.Equal(1, Data.Calls["GetTopologyAsync"]);
    }
}
