using System.Net;
using System.Net.Http.Json;
using Dashboard.IntegrationTests.Api;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Snapshots;

/// <summary>When the server takes snapshots by itself, and what it does when it cannot: against the real engine and files.</summary>
public sealed class SnapshotScheduleTests
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AStartupSnapshotThenOneAfterAContainerStartsAndSettles()
    {
        Requirements.DockerEngine();
        using var factory = new DashboardFactory();
        factory.Settings["Dashboard:SnapshotDebounce"] = "00:00:01";
        factory.Settings["Dashboard:SnapshotInterval"] = "01:00:00";
        var http = factory.CreateClient();

        var startup = await WaitForAsync(http, p => p.Items.Any(s => s.Reason == SnapshotReason.Startup), "the startup snapshot");
        var first = Assert.Single(startup.Items, s => s.Reason == SnapshotReason.Startup);

        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.RunAsync("settle");
        var id = await docker.IdAsync(name);

        // A change-driven snapshot that holds the container running follows without any request to take one.
        SnapshotDetail? holding = null;
        await WaitForAsync(http, async p =>
        {
            foreach (var s in p.Items.Where(s => s.Reason == SnapshotReason.Change && s.Id > first.Id))
            {
                var detail = await http.GetJsonAsync<SnapshotDetail>($"/api/snapshots/{s.Id}");
                if (detail.State.Containers.Any(c => c.Id == id && c.State == "running"))
                {
                    holding = detail;
                    return true;
                }
            }

            return false;
        }, $"a change snapshot with {name} running");

        var pid = await docker.PidAsync(name);
        var container = holding!.State.Containers.Single(c => c.Id == id);
        Assert.Equal(pid, container.Pid);
        foreach (var type in NamespaceTypes.All)
        {
            Assert.Equal(await Shell.ReadlinkNsAsync(pid, type.ToKernelName()), container.Namespaces![type].Inode);
        }

        Assert.True(holding.Snapshot.Version > first.Version || holding.Snapshot.Epoch != first.Epoch);
    }

    [Fact]
    public async Task TheTimerTakesSnapshotsAndRetentionKeepsTheNewest()
    {
        using var factory = new DashboardFactory();
        factory.Settings["Dashboard:SnapshotInterval"] = "00:00:01";
        factory.Settings["Dashboard:Retention:MaxCount"] = "3";
        var http = factory.CreateClient();

        // The startup snapshot is the oldest: once retention removed it, at least three more were taken.
        var page = await WaitForAsync(http, p => p.Items.Any(s => s.Reason == SnapshotReason.Timer) && p.Items.All(s => s.Reason != SnapshotReason.Startup),
            "timer snapshots beyond the retention limit");

        Assert.InRange(page.Total, 1, 3);
        Assert.Equal(page.Total, page.Items.Count);
        var status = await http.GetJsonAsync<StatusInfo>("/api/status");
        Assert.InRange(status.Storage!.SnapshotCount, 1, 3);
    }

    [Fact]
    public async Task AnUnusableDatabaseIsAStateNotACrash()
    {
        var dir = Directory.CreateTempSubdirectory("dt-baddb-");
        try
        {
            // Not an SQLite file: the store must refuse it without overwriting it, and the dashboard must go on.
            var path = Path.Combine(dir.FullName, "dashboard.db");
            var garbage = new byte[8192];
            Random.Shared.NextBytes(garbage);
            await File.WriteAllBytesAsync(path, garbage, TestContext.Current.CancellationToken);
            using var factory = new DashboardFactory();
            factory.Settings["Dashboard:DatabasePath"] = path;
            var http = factory.CreateClient();

            var status = await http.GetJsonAsync<StatusInfo>("/api/status");
            Assert.NotEqual(StorageState.Ok, status.Storage!.State);
            Assert.False(string.IsNullOrWhiteSpace(status.Storage.Error));
            Assert.NotEmpty(await http.GetJsonAsync<List<NamespaceSummary>>("/api/namespaces"));

            using var take = await http.PostAsync("/api/snapshots", null, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, take.StatusCode);
            Assert.Equal("application/problem+json", take.Content.Headers.ContentType?.MediaType);
            await http.GetProblemAsync("/api/snapshots", HttpStatusCode.ServiceUnavailable);
            Assert.Equal(garbage, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static Task<SnapshotPage> WaitForAsync(HttpClient http, Func<SnapshotPage, bool> condition, string what) =>
        WaitForAsync(http, p => Task.FromResult(condition(p)), what);

    private static async Task<SnapshotPage> WaitForAsync(HttpClient http, Func<SnapshotPage, Task<bool>> condition, string what)
    {
        var deadline = DateTimeOffset.UtcNow + s_budget;
        while (true)
        {
            var page = (await http.GetFromJsonAsync<SnapshotPage>("/api/snapshots?limit=500", DashboardJson.Options, TestContext.Current.CancellationToken))!;
            if (await condition(page))
            {
                return page;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"{what} did not come within {s_budget.TotalSeconds} s; snapshots: {string.Join(", ", page.Items.Select(s => $"{s.Id} {s.Reason}"))}");
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
