using Dashboard.Client.Pages;
using Dashboard.ComponentTests.Fakes;

namespace Dashboard.ComponentTests;

public sealed class HistoryDiffTests : DashboardTest
{
    private IRenderedComponent<HistoryDiff> RenderDiff(long from, long to)
    {
        var cut = RenderPage<HistoryDiff>(p => p.Add(x => x.Id, from).Add(x => x.OtherId, to));
        cut.WaitForState(() => cut.FindAll("[data-testid=loading]").Count == 0);
        return cut;
    }

    private static string Text(IRenderedComponent<HistoryDiff> cut, string testId) =>
        cut.Find($"[data-testid='{testId}']").TextContent.Trim();

    private static IReadOnlyList<string> Cells(IRenderedComponent<HistoryDiff> cut, string testId) =>
        cut.FindAll($"[data-testid='{testId}'] td").Select(td => td.TextContent.Trim()).ToList();

    private static IReadOnlyList<string?> Links(IRenderedComponent<HistoryDiff> cut, string testId) =>
        cut.FindAll($"[data-testid='{testId}'] a").Select(a => a.GetAttribute("href")).ToList();

    [Fact]
    public void Names_the_two_snapshots_and_sums_up_the_changes()
    {
        Server.Diffs[(6, 7)] = SampleSnapshots.Diff();

        var cut = RenderDiff(6, 7);

        Assert.Equal(["GET api/snapshots/6/diff/7"], Server.Requests);
        Assert.StartsWith("snapshot 6 · 2026-11-28 13:58:00 (32 min ago) · timer", Text(cut, "diff-from"));
        Assert.StartsWith("snapshot 7 · 2026-11-28 14:03:07 (26 min ago) · change", Text(cut, "diff-to"));
        Assert.Equal("history/6/containers", cut.Find("[data-testid=diff-open-from]").GetAttribute("href"));
        Assert.Equal("history/7/containers", cut.Find("[data-testid=diff-open-to]").GetAttribute("href"));
        Assert.Equal("history/7/diff/6", cut.Find("[data-testid=diff-swap]").GetAttribute("href"));
        Assert.Equal("Containers: 1 added, 1 removed, 1 changed · Namespaces: 1 added, 1 removed · Interfaces: 1 added, 1 removed · Addresses: 1 added",
            Text(cut, "diff-summary"));
        Assert.Empty(cut.FindAll("[data-testid=diff-empty]"));
        Assert.Empty(cut.FindAll("[data-testid=diff-backwards]"));
    }

    [Fact]
    public void Shows_removed_beside_added_each_linked_to_the_snapshot_that_has_it()
    {
        Server.Diffs[(6, 7)] = SampleSnapshots.Diff();

        var cut = RenderDiff(6, 7);

        Assert.Contains("old-job", Text(cut, "removed-containers"));
        Assert.Equal(["history/6/containers/old-job"], Links(cut, "removed-containers"));
        Assert.Contains("web3", Text(cut, "added-containers"));
        Assert.Equal(["history/7/containers/web3"], Links(cut, "added-containers"));
        Assert.Contains($"net {SampleSnapshots.Web3Net}", Text(cut, "added-namespaces"));
        Assert.Equal([$"history/7/namespaces/net/{SampleSnapshots.Web3Net}"], Links(cut, "added-namespaces"));
        Assert.Equal([$"history/6/namespaces/mnt/{SampleSnapshots.OldJobMnt}"], Links(cut, "removed-namespaces"));
        Assert.Contains($"veth in net:[{SampleSnapshots.Web3Net}] · web3", Text(cut, "added-interfaces"));
        Assert.Contains("veth3a1b2c4", Text(cut, "removed-interfaces"));
        Assert.Contains("172.18.0.4/16", Text(cut, "added-addresses"));
        Assert.Contains("none", Text(cut, "removed-addresses"));
        Assert.Equal("Removed: only in snapshot 6", cut.Find("[data-testid=removed-containers] .mud-typography-subtitle2").TextContent.Trim());
    }

    [Fact]
    public void Shows_a_changed_containers_fields_and_each_namespace_before_and_after()
    {
        Server.Diffs[(6, 7)] = SampleSnapshots.Diff();

        var cut = RenderDiff(6, 7);

        Assert.Equal("changed: pid, namespaces", Text(cut, "changed-fields-web1"));
        Assert.Equal("history/7/containers/web1", cut.Find("[data-testid=changed-web1] a").GetAttribute("href"));
        Assert.Equal(["net", $"4026532200 → {SampleData.Web1Net}", "private → shared", "— → web1-debug"], Cells(cut, "sharing-web1-net"));
        Assert.Equal(["pid", "4026532201 → 4026532284", "private → private", "— → —"], Cells(cut, "sharing-web1-pid"));
        // What changed stands out; what stayed does not.
        var pid = cut.FindAll("[data-testid=sharing-web1-pid] td");
        Assert.Contains("font-weight", pid[1].GetAttribute("style"));
        Assert.Null(pid[2].GetAttribute("style"));
    }

    [Fact]
    public void Says_nothing_changed_when_the_diff_is_empty()
    {
        Server.Diffs[(6, 7)] = SampleSnapshots.EmptyDiff(6, 7);

        var cut = RenderDiff(6, 7);

        Assert.StartsWith("Nothing changed from snapshot 6 to snapshot 7", Text(cut, "diff-empty"));
        Assert.Empty(cut.FindAll("[data-testid^=section-]"));
        Assert.Empty(cut.FindAll("[data-testid^=changed-]"));
    }

    [Fact]
    public void Says_when_it_reads_backwards_in_time()
    {
        Server.Diffs[(7, 6)] = SampleSnapshots.Diff(7, 6) with { From = SampleSnapshots.Diff().To, To = SampleSnapshots.Diff().From };

        var cut = RenderDiff(7, 6);

        Assert.Contains("backwards in time", Text(cut, "diff-backwards"));
        Assert.Equal("history/6/diff/7", cut.Find("[data-testid=diff-swap]").GetAttribute("href"));
    }

    [Fact]
    public void A_snapshot_that_is_gone_says_so()
    {
        var cut = RenderDiff(6, 99);

        Assert.StartsWith("Cannot compare: There is no snapshot 6", Text(cut, "diff-error"));
    }

    [Fact]
    public void Unavailable_storage_says_so()
    {
        Server.Unavailable = "The snapshot file is locked by another process.";

        var cut = RenderDiff(6, 7);

        Assert.Equal("Snapshot storage is unavailable: The snapshot file is locked by another process.", Text(cut, "diff-error"));
    }
}
