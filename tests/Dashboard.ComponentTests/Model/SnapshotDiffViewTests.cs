using Dashboard.ComponentTests.Fakes;

namespace Dashboard.ComponentTests.Model;

public sealed class SnapshotDiffViewTests
{
    private static SnapshotDiffView View(SnapshotDiff diff) => SnapshotDiffView.Of(diff, TimeZoneInfo.Utc, SampleSnapshots.Now);

    [Fact]
    public void Keeps_only_the_sections_with_something_in_them()
    {
        var diff = SampleSnapshots.EmptyDiff(6, 7) with { AddressesAdded = SampleSnapshots.Diff().AddressesAdded };

        var view = View(diff);

        Assert.False(view.IsEmpty);
        Assert.Equal(["addresses"], view.Sections.Select(s => s.Key));
        Assert.Equal("Addresses: 1 added", view.Summary);
        Assert.Equal("eth0 in net:[4026532990] · web3", view.Sections[0].Added[0].Detail);
    }

    [Fact]
    public void An_empty_diff_has_no_sections_and_no_summary()
    {
        var view = View(SampleSnapshots.EmptyDiff(6, 7));

        Assert.True(view.IsEmpty);
        Assert.Empty(view.Sections);
        Assert.Empty(view.Changed);
        Assert.Equal("", view.Summary);
    }

    [Fact]
    public void A_container_that_stopped_or_started_has_no_inode_or_sharing_on_that_side()
    {
        var change = new ContainerChange
        {
            Container = new() { Id = "11aa", Name = "old-job" },
            Fields = ["state", "pid", "namespaces"],
            Sharing = [new() { Type = NamespaceType.Ipc, InodeBefore = 4026532404, Before = Sharing.Shared, SharedWithBefore = ["web1", "web2"] }],
        };

        var row = View(SampleSnapshots.EmptyDiff(6, 7) with { ContainersChanged = [change] }).Changed.Single().Sharing.Single();

        Assert.Equal(("ipc", "4026532404", "—"), (row.Type, row.InodeBefore, row.InodeAfter));
        Assert.Equal(("shared", "not running"), (row.SharingBefore, row.SharingAfter));
        Assert.Equal(("web1, web2", "—"), (row.SharedWithBefore, row.SharedWithAfter));
        Assert.True(row.InodeChanged && row.SharingChanged && row.SharedWithChanged);
    }

    [Fact]
    public void A_namespace_no_container_was_in_says_so()
    {
        var diff = SampleSnapshots.EmptyDiff(6, 7) with { NamespacesAdded = [new() { Type = NamespaceType.Net, Inode = 4026532601, Containers = [] }] };

        var item = View(diff).Sections.Single().Added.Single();

        Assert.Equal(("net 4026532601", "no container", "history/7/namespaces/net/4026532601"), (item.Label, item.Detail, item.Href));
    }
}
