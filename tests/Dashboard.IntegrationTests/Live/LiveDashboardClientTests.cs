using Dashboard.Client.Live;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Dashboard.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.IntegrationTests.Live;

/// <summary>
/// The browser's hub client (the UI's own, not the tests' <see cref="LiveSubscription"/>) against the real server,
/// engine and /proc: what the pages read must follow the host.
/// </summary>
public sealed class LiveDashboardClientTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LiveDashboard Connect(DashboardFactory dashboard)
    {
        var server = dashboard.Server;
        return new LiveDashboard(new Uri(server.BaseAddress, DashboardHubContract.Path.TrimStart('/')), NullLogger<LiveDashboard>.Instance, o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.WebSocketFactory = async (context, ct) => await server.CreateWebSocketClient().ConnectAsync(context.Uri, ct);
        });
    }

    /// <summary>Waits until <paramref name="condition"/> holds, looking again at each change the client reports.</summary>
    private static async Task WaitForAsync(LiveDashboard live, Func<bool> condition, string what, TimeSpan? budget = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(DashboardChange _)
        {
            if (condition())
            {
                done.TrySetResult();
            }
        }

        live.Changed += Check;
        try
        {
            Check(DashboardChange.ConnectionOnly);
            await done.Task.WaitAsync(budget ?? s_budget);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited {budget ?? s_budget} for {what}; state {live.State}, version {live.Store.Version}");
        }
        finally
        {
            live.Changed -= Check;
        }
    }

    [Fact]
    public async Task GoesLiveAndTheListsFollowAContainerFromStartToRemoval()
    {
        await using var docker = await DockerScope.CreateAsync();
        await using var live = Connect(factory);
        var states = new List<LiveConnectionState>();
        var changes = new List<DashboardChange>();
        live.Changed += c =>
        {
            lock (changes)
            {
                changes.Add(c);
                states.Add(live.State);
            }
        };
        var api = new ApiDashboardData(factory.CreateClient());
        var data = new LiveDashboardData(api, live, PrerenderedAnswers.Empty());

        await WaitForAsync(live, () => live.State == LiveConnectionState.Live, "live");
        Assert.True(live.Store.HasSnapshot);
        Assert.Equal(LiveConnectionState.Live, data.Connection);
        Assert.Equal(DockerEngineState.Connected, (await data.GetStatusAsync(Ct)).Docker.State);

        var name = await docker.RunAsync("client1");
        var id = await docker.IdAsync(name);
        await WaitForAsync(live, () => live.Store.Containers().Any(c => c.Id == id && c.State == "running" && c.Namespaces?.Count == 8), $"{name} running");

        // What the pages read comes from the store now, and agrees with the REST API and the kernel.
        var listed = Assert.Single(await data.GetContainersAsync(Ct), c => c.Id == id);
        var pid = await docker.PidAsync(name);
        Assert.Equal(pid, listed.Pid);
        Assert.Equal(pid, (await api.GetContainerAsync(id, Ct))!.Pid);
        var netInode = await Shell.ReadlinkNsAsync(pid, "net");
        Assert.Equal(netInode, listed.Namespaces![NamespaceType.Net].Inode);
        await WaitForAsync(live, () => live.Store.Namespaces(NamespaceType.Net).Any(n => n.Inode == netInode), "its net namespace");
        Assert.Contains(await data.GetNamespacesAsync(NamespaceType.Net, Ct), n => n.Inode == netInode && n.Containers.Contains(name));
        Assert.Contains((await data.GetTopologyAsync(Ct)).Nodes, n => n.Id == $"container:{id}");
        lock (changes)
        {
            Assert.Contains(changes, c => !c.Everything && c.TouchesContainer(id) && c.Has(DashboardChangeKinds.Containers));
            Assert.Contains(changes, c => !c.Everything && c.TouchesNamespace(NamespaceType.Net, netInode));
        }

        await Shell.RunAsync("docker", "rm", "-f", name);
        await WaitForAsync(live, () => live.Store.Containers().All(c => c.Id != id), $"{name} removed");
        Assert.DoesNotContain(await data.GetContainersAsync(Ct), c => c.Id == id);
        lock (changes)
        {
            // One snapshot and no resubscription: every batch followed on from the one before.
            Assert.Single(changes, c => c.Everything);
            Assert.Equal(LiveConnectionState.Live, states[^1]);
        }
    }

    [Fact]
    public async Task KeepsTheLastDataWhileReconnectingAndGoesLiveAgainOnTheRestartedServer()
    {
        // The client reaches whichever server is current, as a browser reaches whatever answers on the port.
        var current = new DashboardFactory();
        var first = current.Server;
        await using var live = new LiveDashboard(new Uri(first.BaseAddress, DashboardHubContract.Path.TrimStart('/')), NullLogger<LiveDashboard>.Instance, o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            o.WebSocketFactory = async (context, ct) => await current.Server.CreateWebSocketClient().ConnectAsync(context.Uri, ct);
        });
        live.Start();
        await WaitForAsync(live, () => live.State == LiveConnectionState.Live, "live");
        var epoch = live.Store.Epoch;

        await current.DisposeAsync();

        await WaitForAsync(live, () => live.State == LiveConnectionState.Reconnecting, "reconnecting");
        Assert.True(live.Store.HasSnapshot);
        Assert.False(live.Store.IsCurrent);
        Assert.Equal(epoch, live.Store.Epoch);
        // The last data is kept, not emptied: the host's initial namespaces of all eight types are still held (other
        // tests' containers come and go until the server is gone, so their count proves nothing).
        Assert.Equal(NamespaceTypes.All.Order(), live.Store.Namespaces().Where(n => n.IsInitial).Select(n => n.Type).Order());
        var held = (live.Store.Namespaces().Count, live.Store.Containers().Count);
        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        Assert.Equal(held, (live.Store.Namespaces().Count, live.Store.Containers().Count));

        current = new DashboardFactory();
        try
        {
            _ = current.Server;
            // The retry schedule backs off to 10 s, so one more attempt may be that far away.
            await WaitForAsync(live, () => live.State == LiveConnectionState.Live && live.Store.IsCurrent, "live again", TimeSpan.FromSeconds(30));
            Assert.NotEqual(epoch, live.Store.Epoch);
        }
        finally
        {
            await current.DisposeAsync();
        }
    }
}
