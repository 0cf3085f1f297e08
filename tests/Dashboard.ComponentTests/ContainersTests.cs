using Dashboard.Client.Pages;
using Dashboard.ComponentTests.Fakes;
using MudBlazor;

namespace Dashboard.ComponentTests;

public sealed class ContainersTests : DashboardTest
{
    private IRenderedComponent<Containers> RenderLoaded()
    {
        var cut = RenderPage<Containers>();
        cut.WaitForState(() => cut.FindAll("[data-testid^=container-row-]").Count > 0);
        return cut;
    }

    private static string Cell(IRenderedComponent<Containers> cut, string testId) =>
        cut.Find($"[data-testid='{testId}']").TextContent.Trim();

    private static IReadOnlyList<string> RowNames(IRenderedComponent<Containers> cut) =>
        cut.FindAll("[data-testid^=container-row-]").Select(r => r.GetAttribute("data-testid")!["container-row-".Length..]).ToList();

    [Fact]
    public void Lists_every_container_by_name_with_a_link_state_and_pid()
    {
        var cut = RenderLoaded();

        Assert.Equal(["old-job", "pidtool", "remapped", "web1", "web1-debug", "web2"], RowNames(cut));
        Assert.Equal("containers/web1", cut.Find("[data-testid=container-link-web1]").GetAttribute("href"));
        Assert.Equal("running", Cell(cut, "state-web1"));
        Assert.Contains("mud-chip-color-success", cut.Find("[data-testid=state-web1]").ClassName);
        Assert.Equal("exited", Cell(cut, "state-old-job"));
        Assert.Contains("mud-chip-color-default", cut.Find("[data-testid=state-old-job]").ClassName);
        Assert.Equal("4121", Cell(cut, "pid-web1"));
    }

    [Fact]
    public void Shows_the_sharing_of_each_namespace_type_at_a_glance()
    {
        var cut = RenderLoaded();

        Assert.Equal("shared: web1-debug", Cell(cut, "ns-net-web1"));
        Assert.Equal("shared: web1", Cell(cut, "ns-net-web1-debug"));
        Assert.Equal("private", Cell(cut, "ns-net-web2"));
        Assert.Equal("private", Cell(cut, "ns-pid-web1"));
        Assert.Equal("host", Cell(cut, "ns-pid-pidtool"));
        Assert.Equal("host", Cell(cut, "ns-cgroup-web1"));
        Assert.Equal("private", Cell(cut, "ns-cgroup-web2"));
        Assert.Equal("private", Cell(cut, "ns-user-remapped"));

        Assert.Contains("mud-chip-color-warning", cut.Find("[data-testid=ns-pid-pidtool] .mud-chip").ClassName);
        Assert.Contains("mud-chip-color-info", cut.Find("[data-testid=ns-net-web1] .mud-chip").ClassName);
        Assert.Contains("mud-chip-outlined", cut.Find("[data-testid=ns-net-web2] .mud-chip").ClassName);
    }

    [Fact]
    public void Puts_the_inode_in_the_tooltip_and_links_the_chip_to_the_namespace()
    {
        var cut = RenderLoaded();

        Assert.Equal($"inode {SampleData.Web1Net}", cut.Find("[data-testid=ns-net-web1] a").GetAttribute("title"));
        Assert.Equal($"namespaces/net/{SampleData.Web1Net}", cut.Find("[data-testid=ns-net-web1] a").GetAttribute("href"));
    }

    [Fact]
    public void Shows_a_dash_for_every_namespace_of_a_stopped_container()
    {
        var cut = RenderLoaded();

        foreach (var type in NamespaceTypes.All)
        {
            Assert.Equal("—", Cell(cut, $"ns-{type.ToKernelName()}-old-job"));
        }
    }

    [Fact]
    public void Filters_by_image_and_by_id_prefix()
    {
        var cut = RenderLoaded();
        var input = cut.FindComponent<MudTextField<string>>();

        input.Find("input").Input("nginx");
        cut.WaitForAssertion(() => Assert.Equal(["web1", "web2"], RowNames(cut)));

        input.Find("input").Input("5a5a0b");
        cut.WaitForAssertion(() => Assert.Equal(["pidtool"], RowNames(cut)));
        Assert.Equal("1 of 6 containers", Cell(cut, "container-count"));
    }

    /// <summary>250 containers in all: the sample's six and a fleet that sorts before them.</summary>
    private void AddFleet()
    {
        for (var i = 0; i < 244; i++)
        {
            Data.Containers.Add(SampleData.Container("web2") with { Name = $"fleet-{i:000}", Id = $"f{i:000}".PadRight(64, 'e') });
        }
    }

    [Fact]
    public void A_long_list_shows_a_hundred_rows_a_page()
    {
        AddFleet();

        var cut = RenderLoaded();

        Assert.Equal(100, RowNames(cut).Count);
        Assert.Equal("fleet-000", RowNames(cut)[0]);
        Assert.Equal("1–100 of 250 containers", Cell(cut, "container-count"));
        Assert.NotNull(cut.Find("[data-testid=pager]"));
    }

    [Fact]
    public void The_address_picks_the_page_and_the_filter()
    {
        AddFleet();
        Navigation.NavigateTo("containers?page=3");

        var cut = RenderLoaded();

        Assert.Equal(50, RowNames(cut).Count);
        Assert.Equal("web2", RowNames(cut)[^1]);
        Assert.Equal("201–250 of 250 containers", Cell(cut, "container-count"));
    }

    [Fact]
    public void Filtering_searches_every_page_and_starts_again_at_the_first()
    {
        AddFleet();
        Navigation.NavigateTo("containers?page=2");
        var cut = RenderLoaded();
        Assert.DoesNotContain("pidtool", RowNames(cut));

        cut.FindComponent<MudTextField<string>>().Find("input").Input("pidtool");

        cut.WaitForAssertion(() => Assert.Equal(["pidtool"], RowNames(cut)));
        Assert.Equal("1 of 250 containers", Cell(cut, "container-count"));
        Assert.EndsWith("containers?q=pidtool", Navigation.Uri);
    }

    [Fact]
    public void Running_only_hides_the_stopped_container()
    {
        var cut = RenderLoaded();

        cut.FindComponent<MudSwitch<bool>>().Find("input").Change(true);

        cut.WaitForAssertion(() => Assert.DoesNotContain("old-job", RowNames(cut)));
        Assert.Equal(5, RowNames(cut).Count);
    }

    [Fact]
    public void Shows_loading_until_the_data_arrives()
    {
        Data.Gate = new TaskCompletionSource();

        var cut = RenderPage<Containers>();
        Assert.NotNull(cut.Find("[data-testid=loading]"));

        Data.Gate.SetResult();
        cut.WaitForState(() => cut.FindAll("[data-testid^=container-row-]").Count == 6);
        Assert.Empty(cut.FindAll("[data-testid=loading]"));
    }

    [Fact]
    public void Shows_an_alert_when_the_api_fails()
    {
        Data.Failure = new HttpRequestException("Response status code does not indicate success: 502 (Bad Gateway).", null, System.Net.HttpStatusCode.BadGateway);

        var cut = RenderPage<Containers>();

        cut.WaitForAssertion(() => Assert.Equal("Could not load the containers: the server answered 502 BadGateway.", Cell(cut, "load-error")));
        Assert.Empty(cut.FindAll("[data-testid^=container-row-]"));
    }

    [Fact]
    public void Shows_a_container_that_arrives_while_the_page_is_open()
    {
        var cut = RenderLoaded();
        var web3 = SampleData.Container("web2") with
        {
            Id = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0",
            Name = "web3",
            Pid = 4600,
        };

        Data.Containers.Add(web3);
        Data.NotifyContainers(web3.Id);

        cut.WaitForAssertion(() => Assert.Equal(["old-job", "pidtool", "remapped", "web1", "web1-debug", "web2", "web3"], RowNames(cut)));
        Assert.Equal("4600", Cell(cut, "pid-web3"));
        Assert.Equal("7 of 7 containers", Cell(cut, "container-count"));
    }

    [Fact]
    public void Drops_a_container_removed_while_the_page_is_open()
    {
        var cut = RenderLoaded();
        var oldJob = SampleData.Container("old-job");

        Data.Containers.Remove(oldJob);
        Data.NotifyContainers(oldJob.Id);

        cut.WaitForAssertion(() => Assert.Equal(["pidtool", "remapped", "web1", "web1-debug", "web2"], RowNames(cut)));
    }

    [Fact]
    public void Keeps_the_filter_when_new_data_arrives()
    {
        var cut = RenderLoaded();
        cut.FindComponent<MudTextField<string>>().Find("input").Input("web");
        cut.WaitForAssertion(() => Assert.Equal(["web1", "web1-debug", "web2"], RowNames(cut)));

        var web1 = SampleData.Container("web1");
        Data.Containers.Remove(web1);
        Data.NotifyContainers(web1.Id);

        cut.WaitForAssertion(() => Assert.Equal(["web1-debug", "web2"], RowNames(cut)));
        Assert.Equal("2 of 5 containers", Cell(cut, "container-count"));
    }

    [Fact]
    public async Task Loads_again_only_for_container_changes_and_stops_listening_when_gone()
    {
        var cut = RenderLoaded();
        Assert.Equal(1, Data.Calls["GetContainersAsync"]);

        Data.Notify(new DashboardChange { Kinds = DashboardChangeKinds.Namespaces | DashboardChangeKinds.Topology });
        Data.SetConnection(Dashboard.Client.Live.LiveConnectionState.Reconnecting);
        Assert.Equal(1, Data.Calls["GetContainersAsync"]);

        Data.Notify(new DashboardChange { Kinds = DashboardChangeKinds.Data, Everything = true });
        cut.WaitForAssertion(() => Assert.Equal(2, Data.Calls["GetContainersAsync"]));

        Assert.Equal(1, Data.ChangeListeners);
        await Context.DisposeComponentsAsync();
        Assert.Equal(0, Data.ChangeListeners);
    }
}
