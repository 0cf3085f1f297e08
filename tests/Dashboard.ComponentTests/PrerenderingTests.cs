using Dashboard.Client.Layout;
using Dashboard.ComponentTests.Fakes;
using Dashboard.Client.Pages;
using Microsoft.AspNetCore.Components;

namespace Dashboard.ComponentTests;

/// <summary>
/// The pages as the server prerenders them (a static renderer): the data pages render their rows from the data source,
/// the snapshot pages show that they are loading and leave the snapshots to the app, and the layout says which it is.
/// </summary>
public sealed class PrerenderingTests : DashboardTest
{
    public PrerenderingTests() => Renderer = new RendererInfo("Static", isInteractive: false);

    [Fact]
    public void The_containers_page_renders_its_rows()
    {
        var cut = RenderPage<Containers>();

        cut.WaitForAssertion(() => Assert.Equal(
            Data.Containers.Select(c => $"container-row-{c.Name}").Order(StringComparer.Ordinal),
            cut.FindAll("[data-testid^=container-row-]").Select(r => r.GetAttribute("data-testid")!).Order(StringComparer.Ordinal)));
    }

    [Fact]
    public void The_history_page_shows_it_is_loading_and_asks_the_server_nothing()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(3));

        var cut = RenderPage<History>();

        Assert.NotEmpty(cut.FindAll("[data-testid=loading]"));
        Assert.Empty(cut.FindAll("[data-testid^=snapshot-row-]"));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public void A_past_view_asks_the_server_nothing()
    {
        var cut = RenderPage<Past>(p => p.Add(x => x.SnapshotId, SampleSnapshots.PastId));

        Assert.NotEmpty(cut.FindAll("[data-testid=loading]"));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public void A_diff_asks_the_server_nothing()
    {
        var cut = RenderPage<HistoryDiff>(p => p.Add(x => x.Id, 1).Add(x => x.OtherId, 2));

        Assert.NotEmpty(cut.FindAll("[data-testid=loading]"));
        Assert.Empty(Server.Requests);
    }

    [Fact]
    public void The_layout_says_prerendered()
    {
        Context.SetRendererInfo(Renderer);
        var cut = Context.Render<MainLayout>();

        Assert.Equal("prerendered", cut.Find("[data-app]").GetAttribute("data-app"));
    }
}
