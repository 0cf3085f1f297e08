using Microsoft.Extensions.DependencyInjection;
using Dashboard.Client.Layout;
using Microsoft.AspNetCore.Components;

namespace Dashboard.ComponentTests;

public sealed class MainLayoutTests : DashboardTest
{
    private IRenderedComponent<MainLayout> RenderLayout()
    {
        Context.SetRendererInfo(Renderer);
        return Context.Render<MainLayout>(p => p.Add(x => x.Body, (RenderFragment)(b => b.AddMarkupContent(0, "<p id=\"body\">page</p>"))));
    }

    [Fact]
    public void Navigates_to_containers_namespaces_topology_and_history_and_renders_the_page()
    {
        var cut = RenderLayout();

        var links = cut.FindAll(".mud-navmenu a").Select(a => (a.TextContent.Trim(), a.GetAttribute("href"))).ToList();
        Assert.Equal([("Containers", "containers"), ("Namespaces", "namespaces"), ("Topology", "topology"), ("History", "history")], links);
        Assert.Equal("page", cut.Find("#body").TextContent);
    }

    [Fact]
    public void Shows_the_status_in_the_app_bar()
    {
        var cut = RenderLayout();

        cut.WaitForAssertion(() => Assert.Equal("Docker 20.10.24", cut.Find(".mud-appbar [data-testid=status-docker]").TextContent.Trim()));
    }

    [Fact]
    public void Log_out_leaves_the_app_for_the_servers_logout_page()
    {
        var cut = RenderLayout();
        var navigation = Context.Services.GetRequiredService<Bunit.TestDoubles.BunitNavigationManager>();

        cut.Find("[data-testid=logout]").Click();

        Assert.EndsWith("/logout", navigation.Uri, StringComparison.Ordinal);
        Assert.True(navigation.History.First().Options.ForceLoad);
    }
}
