using Dashboard.Client.Pages;
using Dashboard.ComponentTests.Fakes;

namespace Dashboard.ComponentTests;

/// <summary>The live pages showing a snapshot: same pages, the snapshot's data, links that stay in it, a banner.</summary>
public sealed class PastTests : DashboardTest
{
    private const long Id = SampleSnapshots.PastId;

    private IRenderedComponent<Past> RenderPast(string address, Action<ComponentParameterCollectionBuilder<Past>>? parameters = null)
    {
        Navigation.NavigateTo(address);
        var cut = RenderPage<Past>(p =>
        {
            p.Add(x => x.SnapshotId, Id);
            parameters?.Invoke(p);
        });
        cut.WaitForState(() => cut.FindAll("[data-testid=loading]").Count == 0);
        return cut;
    }

    private static string Text(IRenderedComponent<Past> cut, string testId) =>
        cut.Find($"[data-testid='{testId}']").TextContent.Trim();

    private static string? Href(IRenderedComponent<Past> cut, string selector) => cut.Find(selector).GetAttribute("href");

    [Fact]
    public void Shows_the_snapshots_containers_under_a_banner_that_says_when()
    {
        var cut = RenderPast("history/7/containers");
        cut.WaitForState(() => cut.FindAll("[data-testid^=container-row-]").Count > 0);

        Assert.Equal("snapshot 7 · 2026-11-28 14:03:07 (26 min ago) · change", Text(cut, "past-snapshot"));
        Assert.Contains("nothing here changes", Text(cut, "past-banner"));
        Assert.NotEmpty(cut.FindAll($"[data-testid=container-row-{SampleSnapshots.PastOnlyContainer}]"));
        Assert.Empty(cut.FindAll("[data-testid=container-row-web2]"));
        // Read from the snapshot, not from the live source.
        Assert.False(Data.Calls.ContainsKey("GetContainersAsync"));
        Assert.Equal(["GET api/snapshots/7"], Server.Requests);
    }

    [Fact]
    public void Links_stay_inside_the_snapshot_and_the_way_back_leads_to_the_live_page()
    {
        var cut = RenderPast("history/7/containers");
        cut.WaitForState(() => cut.FindAll("[data-testid^=container-row-]").Count > 0);

        Assert.Equal("history/7/containers/web1", Href(cut, "[data-testid=container-link-web1]"));
        Assert.Equal($"history/7/namespaces/net/{SampleData.Web1Net}", Href(cut, "[data-testid=ns-net-web1] a"));
        Assert.Equal("history/7/containers", Href(cut, "[data-testid=past-containers]"));
        Assert.Equal("history/7/namespaces", Href(cut, "[data-testid=past-namespaces]"));
        Assert.Equal("history/7/topology", Href(cut, "[data-testid=past-topology]"));
        Assert.Equal("history", Href(cut, "[data-testid=past-history]"));
        Assert.Equal("containers", Href(cut, "[data-testid=back-to-live]"));
        Assert.Contains("mud-button-filled", cut.Find("[data-testid=past-containers]").ClassName);
        Assert.Contains("mud-button-outlined", cut.Find("[data-testid=past-topology]").ClassName);
    }

    [Fact]
    public void A_past_container_has_its_eight_rows_from_the_record_and_says_its_pid_is_of_then()
    {
        var cut = RenderPast($"history/7/containers/{SampleSnapshots.PastOnlyContainer}", p => p.Add(x => x.IdOrName, SampleSnapshots.PastOnlyContainer));
        cut.WaitForState(() => cut.FindAll("[data-testid=namespace-table]").Count > 0);

        Assert.Equal(SampleSnapshots.PastOnlyContainer, Text(cut, "container-name"));
        Assert.Equal(8, cut.FindAll("[data-testid^=ns-row-]").Count);
        Assert.Equal("nsenter -t 4188 -n ip addr", Text(cut, "ns-command-net"));
        Assert.Equal("history/7/namespaces/net/4026532350", Href(cut, "[data-testid=ns-inode-net]"));
        Assert.StartsWith("As snapshot 7 recorded it: PID 4188", Text(cut, "past-note"));
        Assert.Equal($"containers/{SampleSnapshots.PastOnlyContainer}", Href(cut, "[data-testid=back-to-live]"));
        Assert.False(Data.Calls.ContainsKey("GetContainerAsync"));
    }

    [Fact]
    public void A_container_that_was_not_there_is_not_found_in_the_snapshot()
    {
        var cut = RenderPast("history/7/containers/web2", p => p.Add(x => x.IdOrName, "web2"));

        cut.WaitForAssertion(() => Assert.Contains("web2", Text(cut, "not-found")));
        Assert.Equal("history/7/containers", cut.FindAll("a").Single(a => a.TextContent.Trim() == "All containers").GetAttribute("href"));
    }

    [Fact]
    public void A_past_namespace_says_that_processes_and_maps_are_not_recorded()
    {
        var cut = RenderPast($"history/7/namespaces/user/{SampleData.RemappedUser}",
            p => p.Add(x => x.Type, "user").Add(x => x.Inode, (long)SampleData.RemappedUser));
        cut.WaitForState(() => cut.FindAll("[data-testid=summary]").Count > 0);

        Assert.Equal("Processes are not recorded in snapshots. 1 process was in this namespace then; the lowest PID was 5010 (sleep 1d).",
            Text(cut, "processes-not-recorded"));
        Assert.Equal("The uid_map and gid_map are not recorded in snapshots.", Text(cut, "maps-not-recorded"));
        Assert.Empty(cut.FindAll("[data-testid=uid-map]"));
        Assert.Empty(cut.FindAll("[data-testid=processes]"));
        Assert.Contains("history/7/namespaces/net/4026532511", cut.FindAll("[data-testid=children] a").Select(a => a.GetAttribute("href")));
        Assert.Equal($"history/7/namespaces/user/{SampleData.HostUser}", Href(cut, "[data-testid=parent] a"));
        Assert.Contains("id maps are not recorded", Text(cut, "past-banner"));
    }

    [Fact]
    public void The_past_namespaces_list_keeps_its_filter_on_the_way_back()
    {
        var cut = RenderPast("history/7/namespaces?type=net");
        cut.WaitForState(() => cut.FindAll("[data-testid^=ns-row-]").Count > 0);

        Assert.All(cut.FindAll("[data-testid^=ns-row-]"), r => Assert.StartsWith("ns-row-net-", r.GetAttribute("data-testid")));
        Assert.Contains(SampleSnapshots.PastOnlyContainer, Text(cut, "ns-containers-4026532350"));
        Assert.Equal("namespaces?type=net", Href(cut, "[data-testid=back-to-live]"));
        Assert.Contains("mud-button-filled", cut.Find("[data-testid=past-namespaces]").ClassName);
    }

    [Fact]
    public void The_past_topology_is_drawn_from_the_snapshot()
    {
        var cut = RenderPast("history/7/topology");
        cut.WaitForState(() => cut.FindAll("[data-testid=topology-svg]").Count > 0);

        Assert.NotEmpty(cut.FindAll($"[data-testid='node-{SampleTopology.MyNetwork}']"));
        Assert.False(Data.Calls.ContainsKey("GetTopologyAsync"));
        Assert.Equal("topology", Href(cut, "[data-testid=back-to-live]"));
    }

    [Fact]
    public void Live_changes_do_not_reach_a_past_page()
    {
        var cut = RenderPast("history/7/containers");
        cut.WaitForState(() => cut.FindAll("[data-testid^=container-row-]").Count > 0);

        Data.Containers.Clear();
        Data.Notify(new DashboardChange { Kinds = DashboardChangeKinds.Data, Everything = true });

        Assert.NotEmpty(cut.FindAll($"[data-testid=container-row-{SampleSnapshots.PastOnlyContainer}]"));
        Assert.Equal(0, Data.ChangeListeners);
        Assert.Empty(Data.Calls);
    }

    [Fact]
    public void Moving_between_the_pages_of_one_snapshot_loads_it_once()
    {
        var cut = RenderPast("history/7/containers");
        cut.WaitForState(() => cut.FindAll("[data-testid^=container-row-]").Count > 0);

        Navigation.NavigateTo("history/7/containers/web1");
        cut.Render(p => p.Add(x => x.SnapshotId, Id).Add(x => x.IdOrName, "web1"));

        cut.WaitForAssertion(() => Assert.Equal("web1", Text(cut, "container-name")));
        Assert.Equal(1, Server.Count("GET api/snapshots/7"));
    }

    [Fact]
    public void Follows_a_link_to_another_section_which_sets_no_new_parameter()
    {
        var cut = RenderPast("history/7/containers");
        cut.WaitForState(() => cut.FindAll("[data-testid^=container-row-]").Count > 0);

        // As the router does it: the address changes, the page's parameters (the snapshot's id) do not.
        Navigation.NavigateTo("history/7/namespaces");

        cut.WaitForState(() => cut.FindAll("[data-testid^=ns-row-]").Count > 0);
        Assert.Contains("mud-button-filled", cut.Find("[data-testid=past-namespaces]").ClassName);
        Assert.Equal("namespaces", Href(cut, "[data-testid=back-to-live]"));
        Assert.Equal(1, Server.Count("GET api/snapshots/7"));
    }

    [Fact]
    public void A_snapshot_that_is_gone_says_so()
    {
        Server.Details.Clear();

        var cut = RenderPast("history/7/containers");

        Assert.Equal("No snapshot 7: There is no snapshot 7; it may have been deleted or removed by retention.", Text(cut, "past-error"));
        Assert.Empty(cut.FindAll("[data-testid=past-banner]"));
    }

    [Fact]
    public void Unavailable_storage_says_so()
    {
        Server.Unavailable = "The snapshot file cannot be opened: unable to open database file.";

        var cut = RenderPast("history/7/containers");

        Assert.Equal("Snapshot storage is unavailable: The snapshot file cannot be opened: unable to open database file.", Text(cut, "past-error"));
    }
}
