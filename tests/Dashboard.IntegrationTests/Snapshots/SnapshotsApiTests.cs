using System.Net;
using System.Net.Http.Json;
using Dashboard.IntegrationTests.Api;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Snapshots;

/// <summary>The snapshot endpoints against the real server, its own SQLite file, /proc and the engine.</summary>
public sealed class SnapshotsApiTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Theory]
    [InlineData("/api/snapshots?limit=0")]
    [InlineData("/api/snapshots?limit=501")]
    [InlineData("/api/snapshots?limit=ten")]
    [InlineData("/api/snapshots?limit=-1")]
    [InlineData("/api/snapshots?offset=-1")]
    [InlineData("/api/snapshots?offset=x")]
    [InlineData("/api/snapshots?offset=99999999999")]
    [InlineData("/api/snapshots?from=yesterday")]
    [InlineData("/api/snapshots?to=2026-13-45")]
    [InlineData("/api/snapshots?from=2026-11-29T12:00:00Z&to=2026-11-29T11:00:00Z")]
    [InlineData("/api/snapshots/abc")]
    [InlineData("/api/snapshots/0")]
    [InlineData("/api/snapshots/-3")]
    [InlineData("/api/snapshots/1.5")]
    [InlineData("/api/snapshots/99999999999999999999999")]
    [InlineData("/api/snapshots/1/diff/x")]
    [InlineData("/api/snapshots/x/diff/1")]
    public Task BadInputIs400(string url) => _http.GetProblemAsync(url, HttpStatusCode.BadRequest);

    [Theory]
    [InlineData("/api/snapshots/9223372036854775807")]
    [InlineData("/api/snapshots/9223372036854775807/diff/9223372036854775806")]
    public Task UnknownSnapshotIs404(string url) => _http.GetProblemAsync(url, HttpStatusCode.NotFound);

    [Fact]
    public async Task DeletingBadOrUnknownIdsIs4xxAndLosesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var kept = await TakeAsync();

        using (var bad = await _http.DeleteAsync("/api/snapshots/abc", ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var unknown = await _http.DeleteAsync("/api/snapshots/9223372036854775807", ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        }

        var detail = await _http.GetJsonAsync<SnapshotDetail>($"/api/snapshots/{kept.Id}");
        Assert.Equal(kept.Id, detail.Snapshot.Id);
    }

    [Fact]
    public async Task TakeListGetAndDelete()
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await _http.PostAsync("/api/snapshots", null, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<SnapshotCreated>(DashboardJson.Options, ct))!.Snapshot;
        Assert.Equal($"/api/snapshots/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(SnapshotReason.Manual, created.Reason);

        // The state it holds is the host's: this process's namespaces are in it, with the inodes readlink gives.
        var detail = await _http.GetJsonAsync<SnapshotDetail>($"/api/snapshots/{created.Id}");
        Assert.Equal(created, detail.Snapshot);
        Assert.Equal(detail.State.Containers.Count, created.ContainerCount);
        Assert.Equal(detail.State.Namespaces.Count, created.NamespaceCount);
        foreach (var type in NamespaceTypes.All)
        {
            var inode = await Shell.ReadlinkNsAsync(Environment.ProcessId, type.ToKernelName());
            Assert.Contains(detail.State.Namespaces, n => n.Type == type && n.Inode == inode);
        }

        var page = await _http.GetJsonAsync<SnapshotPage>($"/api/snapshots?from={Uri.EscapeDataString(created.TakenAt.AddSeconds(-1).ToString("O"))}&limit=500");
        Assert.Contains(page.Items, s => s.Id == created.Id);
        Assert.True(page.Total >= page.Items.Count);
        Assert.Equal(page.Items.OrderByDescending(s => s.TakenAt).ThenByDescending(s => s.Id).Select(s => s.Id), page.Items.Select(s => s.Id));

        var one = await _http.GetJsonAsync<SnapshotPage>("/api/snapshots?limit=1");
        Assert.Single(one.Items);
        var rest = await _http.GetJsonAsync<SnapshotPage>($"/api/snapshots?limit=1&offset={one.Total}");
        Assert.Empty(rest.Items);

        using (var deleted = await _http.DeleteAsync($"/api/snapshots/{created.Id}", ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await _http.GetProblemAsync($"/api/snapshots/{created.Id}", HttpStatusCode.NotFound);
        using var again = await _http.DeleteAsync($"/api/snapshots/{created.Id}", ct);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task StatusReportsTheStore()
    {
        await TakeAsync();
        var status = await _http.GetJsonAsync<StatusInfo>("/api/status");

        var storage = Assert.IsType<StorageStatus>(status.Storage);
        Assert.Equal(StorageState.Ok, storage.State);
        Assert.EndsWith("dashboard.db", storage.Path, StringComparison.Ordinal);
        Assert.True(storage.SnapshotCount >= 1);
        Assert.NotNull(storage.LastSnapshotAt);
        Assert.True(storage.FileBytes > 0);
    }

    [Fact]
    public async Task StoppingAContainerBetweenTwoSnapshotsIsWhatTheDiffNames()
    {
        Requirements.DockerEngine();
        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.RunAsync("snap");
        var id = await docker.IdAsync(name);
        var pid = await docker.PidAsync(name);
        var inodes = new Dictionary<NamespaceType, ulong>();
        foreach (var type in NamespaceTypes.All)
        {
            inodes[type] = await Shell.ReadlinkNsAsync(pid, type.ToKernelName());
        }

        var inspect = await docker.InspectAsync(name);
        var address = inspect.GetProperty("NetworkSettings").GetProperty("Networks").GetProperty("bridge").GetProperty("IPAddress").GetString();
        var before = await TakeAsync();

        // docker kill returns once the signal is sent; docker wait, once the container has stopped.
        await Shell.RunAsync("docker", "kill", name);
        await Shell.RunAsync("docker", "wait", name);
        var after = await TakeAsync();

        var diff = await _http.GetJsonAsync<SnapshotDiff>($"/api/snapshots/{before.Id}/diff/{after.Id}");
        var beforeState = await _http.GetJsonAsync<SnapshotDetail>($"/api/snapshots/{before.Id}");
        var afterState = await _http.GetJsonAsync<SnapshotDetail>($"/api/snapshots/{after.Id}");
        Assert.Equal(before, diff.From);
        Assert.Equal(after, diff.To);

        // Our container: still there, now stopped, and each of its eight namespaces went from its inode to none.
        var change = Assert.Single(diff.ContainersChanged, c => c.Container.Id == id);
        Assert.Contains("state", change.Fields);
        Assert.Contains("pid", change.Fields);
        Assert.Equal(NamespaceTypes.All.Order(), change.Sharing.Select(s => s.Type).Order());
        Assert.All(change.Sharing, s =>
        {
            Assert.Equal(inodes[s.Type], s.InodeBefore);
            Assert.Null(s.InodeAfter);
            Assert.Null(s.After);
        });

        // The namespaces only it had are gone, and so are its interfaces and address.
        var own = beforeState.State.Containers.Single(c => c.Id == id).Namespaces!.Where(n => n.Value.Sharing == Sharing.Private).ToList();
        Assert.NotEmpty(own);
        Assert.All(own, n => Assert.Contains(diff.NamespacesRemoved, r => r.Type == n.Key && r.Inode == n.Value.Inode));
        Assert.Contains(diff.InterfacesRemoved, i => i.NetnsInode == inodes[NamespaceType.Net] && i.Name == "eth0");
        Assert.Contains(diff.AddressesRemoved, a => a.NetnsInode == inodes[NamespaceType.Net] && a.Address.StartsWith(address + "/", StringComparison.Ordinal));

        // Nothing else is named, unless another test's container changed meanwhile (they all carry the test label).
        var testContainers = beforeState.State.Containers.Concat(afterState.State.Containers)
            .Where(c => c.Labels.ContainsKey(DockerScope.Label)).Select(c => c.Id).ToHashSet();
        Assert.All(diff.ContainersAdded.Concat(diff.ContainersRemoved).Concat(diff.ContainersChanged.Select(c => c.Container)),
            c => Assert.Contains(c.Id, testContainers));

        // Compared the other way round, added and removed swap.
        var back = await _http.GetJsonAsync<SnapshotDiff>($"/api/snapshots/{after.Id}/diff/{before.Id}");
        Assert.Equal(diff.NamespacesRemoved.Select(n => (n.Type, n.Inode)).Order(), back.NamespacesAdded.Select(n => (n.Type, n.Inode)).Order());
        Assert.Contains(back.ContainersChanged, c => c.Container.Id == id);
    }

    private async Task<SnapshotSummary> TakeAsync()
    {
        using var response = await _http.PostAsync("/api/snapshots", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SnapshotCreated>(DashboardJson.Options, TestContext.Current.CancellationToken))!.Snapshot;
    }
}
