using Dashboard.Client.Live;
using Dashboard.ComponentTests.Fakes;

namespace Dashboard.ComponentTests.Services;

/// <summary>The past behind the pages' own interface: every method answered from the snapshot's state alone.</summary>
public sealed class SnapshotDashboardDataTests
{
    private readonly SnapshotDashboardData _data = new(SampleSnapshots.Past);

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public void Says_which_snapshot_it_is_and_puts_its_pages_under_the_snapshot()
    {
        Assert.Equal(SampleSnapshots.PastId, _data.Snapshot.Id);
        Assert.Same(SampleSnapshots.Past.Snapshot, ((IDashboardData)_data).Snapshot);
        Assert.Equal("history/7/", _data.Links.Prefix);
        Assert.Equal("history/7/containers/web1", _data.Links.Container("web1"));
        Assert.Equal("history/7/namespaces/net/4026532286", _data.Links.Namespace(NamespaceType.Net, SampleData.Web1Net));
        Assert.Equal("history/7/namespaces?type=user", _data.Links.Namespaces(NamespaceType.User));
        Assert.Equal("history/7/topology", _data.Links.Topology);
    }

    [Fact]
    public async Task Lists_the_containers_namespaces_topology_and_reachability_as_recorded()
    {
        var containers = await _data.GetContainersAsync(Ct);
        Assert.Contains(containers, c => c.Name == SampleSnapshots.PastOnlyContainer);
        Assert.DoesNotContain(containers, c => c.Name == "web2");
        Assert.Equal(SampleSnapshots.Past.State.Namespaces.Count, (await _data.GetNamespacesAsync(cancellationToken: Ct)).Count);
        Assert.Same(SampleSnapshots.Past.State.Topology, await _data.GetTopologyAsync(Ct));
        Assert.Same(SampleSnapshots.Past.State.Reachability, await _data.GetReachabilityAsync(Ct));
    }

    [Fact]
    public async Task Filters_namespaces_by_type()
    {
        var users = await _data.GetNamespacesAsync(NamespaceType.User, Ct);

        Assert.Equal([SampleData.HostUser, SampleData.RemappedUser], users.Select(n => n.Inode).Order());
        Assert.All(users, n => Assert.Equal(NamespaceType.User, n.Type));
    }

    [Theory]
    [InlineData("web1")]
    [InlineData("/web1")]
    [InlineData("3f9c2a71d4e8b0c5a9e1f2d3c4b5a6978877665544332211aabbccddeeff0011")]
    [InlineData("3f9c")]
    public async Task Finds_a_container_by_id_name_or_unique_id_prefix(string idOrName)
    {
        Assert.Equal("web1", (await _data.GetContainerAsync(idOrName, Ct))?.Name);
    }

    [Theory]
    [InlineData("web2")]
    [InlineData("")]
    [InlineData("zz")]
    public async Task Finds_no_container_that_was_not_there(string idOrName)
    {
        Assert.Null(await _data.GetContainerAsync(idOrName, Ct));
        Assert.Null(await _data.GetContainerNamespacesAsync(idOrName, Ct));
    }

    [Fact]
    public async Task An_id_prefix_two_containers_start_with_finds_neither()
    {
        var twin = SampleData.Container("web1") with { Id = "3f9d" + new string('0', 60), Name = "web1-twin" };
        var state = SampleSnapshots.Past.State with { Containers = [.. SampleSnapshots.Past.State.Containers, twin] };
        var data = new SnapshotDashboardData(SampleSnapshots.Past with { State = state });

        Assert.Null(await data.GetContainerAsync("3f9", Ct));
        Assert.Equal("web1", (await data.GetContainerAsync("3f9c", Ct))?.Name);
    }

    [Fact]
    public async Task Builds_a_running_containers_eight_rows_from_its_record()
    {
        var rows = await _data.GetContainerNamespacesAsync("web1", Ct);

        Assert.NotNull(rows);
        Assert.Equal(NamespaceTypes.All, rows.Select(r => r.Type));
        var net = rows.Single(r => r.Type == NamespaceType.Net);
        Assert.Equal(SampleData.Web1Net, net.Inode);
        Assert.Equal(Sharing.Shared, net.Sharing);
        Assert.Equal(["web1-debug"], net.SharedWith.Select(c => c.Name));
        Assert.Equal("nsenter -t 4121 -n ip addr", net.Command);
        Assert.Equal("lsns -t net -p 4121", net.LsnsCommand);
    }

    [Fact]
    public async Task A_container_that_was_not_running_has_no_rows()
    {
        Assert.Empty((await _data.GetContainerNamespacesAsync("old-job", Ct))!);
    }

    [Fact]
    public async Task A_namespace_has_its_recorded_facts_and_children_but_no_processes_or_maps()
    {
        var user = await _data.GetNamespaceAsync(NamespaceType.User, SampleData.RemappedUser, Ct);

        Assert.NotNull(user);
        Assert.Equal(SampleData.HostUser, user.ParentInode);
        Assert.Equal(["remapped"], user.Containers);
        Assert.Equal(1, user.ProcessCount);
        Assert.Empty(user.Processes);
        Assert.Null(user.UidMap);
        Assert.Null(user.GidMap);
        // The server's children of this namespace: the five it owns.
        var expected = SampleData.Namespace(NamespaceType.User, SampleData.RemappedUser).Children.OrderBy(c => c.Type).ThenBy(c => c.Inode);
        Assert.Equal(expected, user.Children);
    }

    [Fact]
    public async Task The_host_user_namespace_is_parent_of_the_remapped_one()
    {
        var host = await _data.GetNamespaceAsync(NamespaceType.User, SampleData.HostUser, Ct);

        Assert.Contains(host!.Children, c => c is { Type: NamespaceType.User, Inode: SampleData.RemappedUser, Relation: NamespaceRelation.Child });
        Assert.Contains(host.Children, c => c is { Type: NamespaceType.Net, Inode: SampleData.HiddenNet, Relation: NamespaceRelation.Owned });
    }

    [Fact]
    public async Task Knows_no_namespace_that_was_not_there_and_no_process_at_all()
    {
        Assert.Null(await _data.GetNamespaceAsync(NamespaceType.Net, 4026539999, Ct));
        Assert.Null(await _data.GetNamespaceAsync(NamespaceType.Pid, SampleData.Web1Net, Ct));
        Assert.Null(await _data.GetProcessAsync(4121, Ct));
    }

    [Fact]
    public async Task Refuses_the_status_which_a_snapshot_does_not_record()
    {
        var e = await Assert.ThrowsAsync<NotSupportedException>(() => _data.GetStatusAsync(Ct));

        Assert.Contains("Snapshot 7", e.Message);
        Assert.True(ApiErrors.IsLoadFailure(e, CancellationToken.None));
    }

    [Fact]
    public void Has_no_live_connection()
    {
        Assert.Equal(LiveConnectionState.Disconnected, _data.Connection);
    }
}
