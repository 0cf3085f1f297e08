using System.Globalization;
using System.Net;
using Dashboard.Client.Live;
using Dashboard.Client.Services;
using Dashboard.Server.Components;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.IntegrationTests.Live;

/// <summary>
/// What the pages read when they run on the server (a circuit): the live state in process and the snapshot store
/// itself, against the real engine, /proc and SQLite file; the answers must equal the kernel's and the REST API's.
/// </summary>
public sealed class CircuitDashboardDataTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private CircuitDashboardData NewData()
    {
        _ = factory.Server; // starts the host
        var services = factory.Services;
        return new CircuitDashboardData(
            services.GetRequiredService<LivePublisher>(), services.GetRequiredService<IHostStateProvider>(), NullLogger<CircuitDashboardData>.Instance);
    }

    private static async Task WaitForAsync(IDashboardData data, Func<Task<bool>> condition, string what)
    {
        var changed = new SemaphoreSlim(0);
        void OnChange(DashboardChange _) => changed.Release();
        data.Changed += OnChange;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (!await condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Waited 15 s for {what}; connection {data.Connection}");
                }

                await changed.WaitAsync(TimeSpan.FromMilliseconds(500), Ct);
            }
        }
        finally
        {
            data.Changed -= OnChange;
        }
    }

    [Fact]
    public async Task FollowsTheHostLiveAndAgreesWithTheKernelAndTheApi()
    {
        await using var data = NewData();
        await WaitForAsync(data, () => Task.FromResult(data.Connection == LiveConnectionState.Live), "the first snapshot");

        var touched = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        data.Changed += change =>
        {
            foreach (var changed in change.ContainerIds)
            {
                touched[changed] = true;
            }
        };
        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.RunAsync("circuit");
        var pid = await docker.PidAsync(name);
        var id = await docker.IdAsync(name);
        await WaitForAsync(data, async () => (await data.GetContainersAsync(Ct)).Any(c => c.Name == name && c.Pid == pid), $"{name} with PID {pid}");
        // The page heard of it as a change to that container, as the browser hears it from the hub.
        Assert.True(touched.ContainsKey(id), $"no change named {id}; changes named {string.Join(", ", touched.Keys)}");

        // The container's namespaces are the kernel's.
        var rows = await data.GetContainerNamespacesAsync(name, Ct);
        Assert.NotNull(rows);
        foreach (var type in new[] { "net", "mnt", "pid", "uts", "ipc" })
        {
            var inode = await Shell.ReadlinkNsAsync(pid, type);
            Assert.Contains(rows, r => r.Type.ToString().Equals(type, StringComparison.OrdinalIgnoreCase) && r.Inode == inode);
        }

        // One container and one process equal what the REST API answers.
        using var http = factory.CreateClient();
        var apiContainer = await http.GetStringAsync($"api/containers/{name}", Ct);
        var container = await data.GetContainerAsync(name, Ct);
        Assert.NotNull(container);
        Assert.Contains(container.Id, apiContainer, StringComparison.Ordinal);
        Assert.Equal(pid, (await data.GetProcessAsync(pid, Ct))?.Pid);
        Assert.Null(await data.GetContainerAsync(docker.Name("never-made"), Ct));

        // Removed: gone from the lists without asking.
        await Shell.RunAsync("docker", "rm", "-f", name);
        await WaitForAsync(data, async () => (await data.GetContainersAsync(Ct)).All(c => c.Name != name), $"{name} gone");
    }

    [Fact]
    public async Task SnapshotsComeFromTheStoreWithTheApisProblems()
    {
        _ = factory.Server;
        var snapshots = new ServerSnapshots(factory.Services.GetRequiredService<ISnapshotStore>(), factory.Services.GetRequiredService<SnapshotService>());

        var taken = await snapshots.TakeAsync(Ct);
        var detail = await snapshots.GetAsync(taken.Id, Ct);
        Assert.Equal(taken.Id, detail.Snapshot.Id);
        Assert.Contains((await snapshots.ListAsync(null, null, 50, 0, Ct)).Items, s => s.Id == taken.Id);
        var diff = await snapshots.DiffAsync(taken.Id, taken.Id, Ct);
        Assert.NotNull(diff);

        using var http = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"api/snapshots/{taken.Id}", Ct)).StatusCode);
        Assert.True(await snapshots.DeleteAsync(taken.Id, Ct));
        Assert.False(await snapshots.DeleteAsync(taken.Id, Ct));
        var gone = await Assert.ThrowsAsync<ApiProblemException>(() => snapshots.GetAsync(taken.Id, Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains(taken.Id.ToString(CultureInfo.InvariantCulture), gone.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"api/snapshots/{taken.Id}", Ct)).StatusCode);
        await Assert.ThrowsAsync<ApiProblemException>(() => snapshots.DiffAsync(taken.Id, taken.Id, Ct));
    }
}
