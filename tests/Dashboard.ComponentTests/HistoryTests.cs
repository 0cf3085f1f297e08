using Dashboard.Client.Pages;
using Dashboard.ComponentTests.Fakes;
using MudBlazor;

namespace Dashboard.ComponentTests;

public sealed class HistoryTests : DashboardTest
{
    private IRenderedComponent<History> RenderLoaded(string address = "history")
    {
        StatusReportsTheStore();
        Navigation.NavigateTo(address);
        var cut = RenderPage<History>();
        cut.WaitForState(() => cut.FindAll("[data-testid=loading]").Count == 0 && cut.FindAll("[data-testid=showing], [data-testid=storage-notice]").Count > 0);
        return cut;
    }

    /// <summary>The live status reports the store as the server has it now, as it does after the next scan.</summary>
    private void StatusReportsTheStore() => Data.Status = SampleData.Status with { Storage = Server.Storage };

    private static string Text(IRenderedComponent<History> cut, string testId) =>
        cut.Find($"[data-testid='{testId}']").TextContent.Trim();

    private static IReadOnlyList<long> RowIds(IRenderedComponent<History> cut) =>
        cut.FindAll("[data-testid^=snapshot-row-]").Select(r => long.Parse(r.GetAttribute("data-testid")!["snapshot-row-".Length..])).ToList();

    [Fact]
    public void Lists_snapshots_newest_first_with_when_why_and_counts()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(3));

        var cut = RenderLoaded();

        Assert.Equal([3, 2, 1], RowIds(cut));
        Assert.Equal("2026-11-28 14:29:00", Text(cut, "taken-3"));
        Assert.Equal("1 min ago", Text(cut, "ago-3"));
        Assert.Equal("11 min ago", Text(cut, "ago-1"));
        Assert.Equal("change", Text(cut, "reason-3"));
        Assert.Equal("timer", Text(cut, "reason-2"));
        Assert.Equal("startup", Text(cut, "reason-1"));
        Assert.Contains("mud-chip-color-info", cut.Find("[data-testid=reason-3]").ClassName);
        Assert.Equal("5", Text(cut, "containers-2"));
        Assert.Equal("6", Text(cut, "containers-3"));
        Assert.Equal("40", Text(cut, "namespaces-3"));
        Assert.Equal("1–3 of 3 snapshots", Text(cut, "showing"));
        Assert.Empty(cut.FindAll("[data-testid=pager]"));
        Assert.Equal(["GET api/snapshots?limit=25&offset=0"], Server.Requests.Where(r => r.Contains("api/snapshots")));
    }

    [Fact]
    public void Each_snapshot_opens_as_the_past_downloads_as_json_and_links_its_changes()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(3));

        var cut = RenderLoaded();

        Assert.Equal("history/3/containers", cut.Find("[data-testid=open-3]").GetAttribute("href"));
        var download = cut.Find("[data-testid=download-3]");
        Assert.Equal("a", download.TagName.ToLowerInvariant());
        Assert.Equal("api/snapshots/3", download.GetAttribute("href"));
        Assert.Equal("snapshot-3.json", download.GetAttribute("download"));
        Assert.Equal("history/2/diff/3", cut.Find("[data-testid=changes-3]").GetAttribute("href"));
        // The last row has nothing below it on the page to compare with.
        Assert.Empty(cut.FindAll("[data-testid=changes-1]"));
    }

    [Fact]
    public void Shows_the_store_and_an_empty_timeline()
    {
        var cut = RenderLoaded();

        Assert.Equal("0 snapshots · 3.1 MiB", Text(cut, "storage-status"));
        Assert.Contains("mud-chip-color-success", cut.Find("[data-testid=storage-status]").ClassName);
        Assert.Equal("No snapshot yet.", Text(cut, "showing"));
        Assert.Empty(cut.FindAll("[data-testid=storage-notice]"));
    }

    [Fact]
    public void Pages_through_the_server_with_limit_and_offset()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(60));
        var cut = RenderLoaded();
        Assert.Equal(Enumerable.Range(36, 25).Reverse().Select(i => (long)i), RowIds(cut));
        Assert.Equal("1–25 of 60 snapshots", Text(cut, "showing"));

        cut.FindComponent<MudPagination>().Find("button[aria-label='Page 2']").Click();

        cut.WaitForAssertion(() => Assert.Equal(Enumerable.Range(11, 25).Reverse().Select(i => (long)i), RowIds(cut)));
        Assert.Contains("GET api/snapshots?limit=25&offset=25", Server.Requests);
        Assert.EndsWith("history?page=2", Navigation.Uri);
        Assert.Equal("26–50 of 60 snapshots", Text(cut, "showing"));
    }

    [Fact]
    public void Opens_on_the_page_the_address_names()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(60));

        var cut = RenderLoaded("history?page=3");

        Assert.Equal(Enumerable.Range(1, 10).Reverse().Select(i => (long)i), RowIds(cut));
        Assert.Equal("51–60 of 60 snapshots", Text(cut, "showing"));
    }

    [Fact]
    public void A_page_past_the_end_shows_the_last_page()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(30));

        var cut = RenderLoaded("history?page=9");

        cut.WaitForAssertion(() => Assert.Equal(Enumerable.Range(1, 5).Reverse().Select(i => (long)i), RowIds(cut)));
        Assert.EndsWith("history?page=2", Navigation.Uri);
    }

    [Fact]
    public void Filters_by_a_time_range_kept_in_the_address()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(10));
        var cut = RenderLoaded();

        // Snapshot i was taken at 14:29 - 5·(10 - i) min: 14:00 onwards are 5 (14:04) to 10 (14:29).
        cut.FindComponents<MudTextField<DateTime?>>()[0].Find("input").Change("2026-11-28T14:00");

        cut.WaitForAssertion(() => Assert.Equal([10, 9, 8, 7, 6, 5], RowIds(cut)));
        Assert.Contains("GET api/snapshots?limit=25&offset=0&from=2026-11-28T14%3A00%3A00Z", Server.Requests);
        Assert.Contains("from=2026-11-28T14%3A00%3A00Z", Navigation.Uri);

        cut.FindComponents<MudTextField<DateTime?>>()[1].Find("input").Change("2026-11-28T14:15");
        cut.WaitForAssertion(() => Assert.Equal([7, 6, 5], RowIds(cut)));

        cut.Find("[data-testid=range-clear]").Click();
        cut.WaitForAssertion(() => Assert.Equal(10, RowIds(cut).Count));
        Assert.DoesNotContain("from=", Navigation.Uri);
    }

    [Fact]
    public void An_empty_range_says_so()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(3));

        var cut = RenderLoaded("history?from=2030-01-01T00:00:00Z");

        Assert.Empty(RowIds(cut));
        Assert.Equal("No snapshot in this time range.", Text(cut, "showing"));
    }

    [Fact]
    public void Take_snapshot_now_posts_and_shows_the_new_one_first()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(3));
        var cut = RenderLoaded();

        cut.Find("[data-testid=take-snapshot]").Click();

        cut.WaitForAssertion(() => Assert.Equal([4, 3, 2, 1], RowIds(cut)));
        Assert.Equal(1, Server.Count("POST api/snapshots"));
        Assert.Equal("manual", Text(cut, "reason-4"));
        Assert.Contains("background", cut.Find("[data-testid=snapshot-row-4]").GetAttribute("style"));
        cut.WaitForAssertion(() => Assert.Contains("Snapshot 4 taken", Snackbars!.Markup));
    }

    [Fact]
    public void Delete_asks_first_and_removes_the_snapshot()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(3));
        var cut = RenderLoaded();

        cut.Find("[data-testid=delete-2]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Delete snapshot 2?", Dialogs!.Markup));
        Assert.Equal(0, Server.Count("DELETE"));
        Dialogs!.FindAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();

        cut.WaitForAssertion(() => Assert.Equal([3, 1], RowIds(cut)));
        Assert.Equal(["DELETE api/snapshots/2"], Server.Requests.Where(r => r.StartsWith("DELETE", StringComparison.Ordinal)));
        cut.WaitForAssertion(() => Assert.Contains("Snapshot 2 deleted.", Snackbars!.Markup));
    }

    [Fact]
    public void Cancelling_the_confirmation_deletes_nothing()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(3));
        var cut = RenderLoaded();

        cut.Find("[data-testid=delete-2]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Delete snapshot 2?", Dialogs!.Markup));
        Dialogs!.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        cut.WaitForAssertion(() => Assert.DoesNotContain("Delete snapshot 2?", Dialogs!.Markup));
        Assert.Equal(0, Server.Count("DELETE"));
        Assert.Equal([3, 2, 1], RowIds(cut));
    }

    [Fact]
    public void Picking_two_snapshots_links_their_diff_from_the_older_to_the_newer()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(3));
        var cut = RenderLoaded();
        Assert.Equal("Pick two snapshots to compare them.", Text(cut, "compare-text"));
        Assert.True(cut.Find("[data-testid=compare]").HasAttribute("disabled"));

        cut.Find("[data-testid=pick-3]").Change(true);
        Assert.Equal("Snapshot 3 picked; pick one more to compare.", Text(cut, "compare-text"));
        cut.Find("[data-testid=pick-1]").Change(true);

        Assert.Equal("Compare snapshot 1 with snapshot 3.", Text(cut, "compare-text"));
        Assert.Equal("history/1/diff/3", cut.Find("[data-testid=compare]").GetAttribute("href"));

        // A third pick lets go of the first.
        cut.Find("[data-testid=pick-2]").Change(true);
        Assert.Equal("history/1/diff/2", cut.Find("[data-testid=compare]").GetAttribute("href"));
        Assert.Equal("Compare snapshot 1 with snapshot 2.", Text(cut, "compare-text"));
    }

    [Fact]
    public void Storage_unavailable_says_so_and_offers_no_snapshot()
    {
        Server.Unavailable = "The snapshot file data/dashboard.db has schema version 9, newer than this dashboard knows (2).";

        var cut = RenderLoaded();

        var notice = Text(cut, "storage-notice");
        Assert.StartsWith("Snapshot storage is unavailable: The snapshot file data/dashboard.db has schema version 9", notice);
        Assert.Contains("the live pages are not affected", notice);
        Assert.Contains("mud-alert-text-error", cut.Find("[data-testid=storage-notice]").ClassName);
        Assert.Equal("Storage unavailable", Text(cut, "storage-status"));
        Assert.True(cut.Find("[data-testid=take-snapshot]").HasAttribute("disabled"));
        Assert.Empty(cut.FindAll("[data-testid=timeline]"));
        Assert.Empty(cut.FindAll("[data-testid=load-error]"));
    }

    [Fact]
    public void A_failing_store_warns_but_still_lists()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(2));
        Server.Failing = "disk I/O error (SQLITE_IOERR).";

        var cut = RenderLoaded();

        Assert.StartsWith("The last snapshot could not be written: disk I/O error (SQLITE_IOERR).", Text(cut, "storage-notice"));
        Assert.Equal("Storage failing", Text(cut, "storage-status"));
        Assert.Equal([2, 1], RowIds(cut));
        Assert.False(cut.Find("[data-testid=take-snapshot]").HasAttribute("disabled"));
    }

    [Fact]
    public void Reloads_when_the_live_status_reports_a_new_snapshot_and_not_otherwise()
    {
        Server.Snapshots.AddRange(SampleSnapshots.Timeline(2));
        var cut = RenderLoaded();
        var lists = Server.Count("GET api/snapshots?");

        // A status change that leaves the store as it was (process counts, say) asks the server nothing.
        Data.Notify(new DashboardChange { Kinds = DashboardChangeKinds.Status });
        Assert.Equal(lists, Server.Count("GET api/snapshots?"));

        // The server's timer took one.
        Server.Snapshots.Add(SampleSnapshots.Summary(3, SampleSnapshots.Now, SnapshotReason.Timer));
        StatusReportsTheStore();
        Data.Notify(new DashboardChange { Kinds = DashboardChangeKinds.Status });

        cut.WaitForAssertion(() => Assert.Equal([3, 2, 1], RowIds(cut)));
        Assert.Equal(lists + 1, Server.Count("GET api/snapshots?"));
        Assert.Equal("3 snapshots · 3.1 MiB", Text(cut, "storage-status"));
    }

    [Fact]
    public async Task Stops_following_the_live_state_when_it_goes_away()
    {
        RenderLoaded();
        Assert.Equal(1, Data.ChangeListeners);

        await Context.DisposeComponentsAsync();

        Assert.Equal(0, Data.ChangeListeners);
    }
}
