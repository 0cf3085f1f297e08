using System.Net.Http.Json;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Live;

/// <summary>The live hub through a real SignalR client, against the real engine and /proc.</summary>
public sealed class LiveHubTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    // Docker reports these at once; the budget covers a loaded CI machine, not the target (see docs/benchmarks.md).
    private static readonly TimeSpan s_eventBudget = TimeSpan.FromSeconds(10);

    private async Task<LiveSubscription> SubscribeAsync()
    {
        _ = factory.Server; // starts the server
        return await LiveSubscription.StartAsync(factory.Server);
    }

    [Fact]
    public async Task FirstItemIsTheWholeStateWithEpochAndVersion()
    {
        await using var live = await SubscribeAsync();
        var (epoch, snapshots, status, namespaces) = live.Read(l => (l.Epoch, l.Snapshots, l.Status, l.Namespaces.Count));

        Assert.False(string.IsNullOrEmpty(epoch));
        Assert.Equal(1, snapshots);
        Assert.NotNull(status);
        Assert.Equal(DockerEngineState.Connected, status.Docker.State);
        Assert.True(namespaces >= 8);
        // This test's own eight namespaces, as readlink names them, are held with this process in them.
        foreach (var type in NamespaceTypes.All)
        {
            var inode = await Shell.ReadlinkNsAsync(Environment.ProcessId, type.ToKernelName());
            Assert.True(live.Read(l => l.Namespaces.TryGetValue((type, inode), out var n) && n.ProcessCount > 0), $"{type} namespace {inode} missing");
        }
    }

    [Fact]
    public async Task ARunContainerArrivesWithItsEightNamespacesAndLeavesWhenRemoved()
    {
        await using var docker = await DockerScope.CreateAsync();
        await using var live = await SubscribeAsync();

        var name = await docker.RunAsync("live1");
        var id = await docker.IdAsync(name);
        await live.WaitForAsync(l => l.Containers.TryGetValue(id, out var c) && c.State == "running" && c.Namespaces?.Count == 8, s_eventBudget, $"{name} running");

        var pid = await docker.PidAsync(name);
        var container = live.Read(l => l.Containers[id]);
        Assert.Equal(name, container.Name);
        Assert.Equal(pid, container.Pid);
        foreach (var type in NamespaceTypes.All)
        {
            var inode = await Shell.ReadlinkNsAsync(pid, type.ToKernelName());
            Assert.Equal(inode, container.Namespaces![type].Inode);
            // The namespaces it uses arrived as well (or were there already, for shared ones).
            Assert.True(live.Read(l => l.Namespaces.ContainsKey((type, inode))), $"{type} {inode} not held");
        }

        await Shell.RunAsync("docker", "rm", "-f", name);
        await live.WaitForAsync(l => !l.Containers.ContainsKey(id), s_eventBudget, $"{name} removed");
        var netInode = container.Namespaces![NamespaceType.Net].Inode;
        await live.WaitForAsync(l => !l.NetworkNamespaces.ContainsKey(netInode), s_eventBudget, "its network namespace removed");
        Assert.Empty(live.Read(l => l.Gaps));
    }

    [Fact]
    public async Task NetworkConnectArrivesInTheTopology()
    {
        await using var docker = await DockerScope.CreateAsync();
        var first = await docker.CreateNetworkAsync("neta");
        var second = await docker.CreateNetworkAsync("netb");
        var name = await docker.RunAsync("joiner", ["--network", first]);
        var id = await docker.IdAsync(name);
        var peer = await docker.IdAsync(await docker.RunAsync("peer", ["--network", second]));
        var secondId = (await Shell.RunAsync("docker", "network", "inspect", "--format", "{{.Id}}", second)).Out;
        await using var live = await SubscribeAsync();
        await live.WaitForAsync(l => l.Containers.ContainsKey(id) && l.Networks.ContainsKey(secondId), s_eventBudget, "container and second network");
        Assert.DoesNotContain(live.Read(l => l.Networks[secondId].Containers), m => m.Id == id);

        var before = live.Read(l => l.Version);
        await Shell.RunAsync("docker", "network", "connect", second, name);

        await live.WaitForAsync(
            l => l.Networks[secondId].Containers.Any(m => m.Id == id)
                && l.TopologyEdges.Values.Any(e => e.Source == $"container:{id}" && e.Target == $"network:{secondId}"),
            s_eventBudget,
            "the new membership in the network and in the topology");
        Assert.True(live.Read(l => l.Version) > before);

        // The container's new interface, with the address Docker gave it, is a node of the topology.
        var address = (await Shell.RunAsync("docker", "inspect", "--format", $"{{{{(index .NetworkSettings.Networks \"{second}\").IPAddress}}}}", name)).Out;
        await live.WaitForAsync(l => l.TopologyNodes.Values.Any(n => n.Kind == TopologyNodeKinds.Interface && n.Details.Values.Any(v => v.Contains(address + "/", StringComparison.Ordinal))), s_eventBudget, $"an interface with {address}");

        // The pair of the joiner and the peer already on the second network became reachable, and the report worked out
        // from what the stream delivered is the one the API gives.
        static bool Reachable(LiveSubscription l, string a, string b) =>
            (l.ReachabilityPairs.GetValueOrDefault((a, b)) ?? l.ReachabilityPairs.GetValueOrDefault((b, a))) is { Reachable: true } pair
            && pair.Networks.Count == 1;
        await live.WaitForAsync(l => Reachable(l, id, peer), s_eventBudget, "joiner and peer reachable");
        var report = await factory.CreateClient().GetFromJsonAsync<ReachabilityReport>("/api/topology/reachability", DashboardJson.Options, TestContext.Current.CancellationToken);
        var expected = Assert.Single(report!.Pairs, p => p.A.Id == id && p.B.Id == peer || p.A.Id == peer && p.B.Id == id);
        Assert.Equal(expected, live.Read(l => l.ReachabilityPairs[(expected.A.Id, expected.B.Id)]));
        Assert.Empty(live.Read(l => l.Gaps));
    }

    [Fact]
    public async Task IpNetnsAddArrivesWithinTwoScanIntervalsWithoutAnyRequest()
    {
        Requirements.Root();
        await using var live = await SubscribeAsync();
        var name = $"dt-live-{Guid.NewGuid().ToString("N")[..6]}";
        await Shell.RunAsync("ip", "netns", "add", name);
        try
        {
            var inode = await InodeOfAsync($"/run/netns/{name}");
            // Nothing tells the server but its periodic rescan (default 2 s); two intervals, and room for a slow machine.
            await live.WaitForAsync(l => l.NetworkNamespaces.ContainsKey(inode), TimeSpan.FromSeconds(2 * 2 + 2), $"netns {name} ({inode})");
            Assert.Contains($"/run/netns/{name}", live.Read(l => l.NetworkNamespaces[inode].BindMounts));
            Assert.True(live.Read(l => l.Namespaces.ContainsKey((NamespaceType.Net, inode))));

            await Shell.RunAsync("ip", "netns", "del", name);
            await live.WaitForAsync(l => !l.NetworkNamespaces.ContainsKey(inode), TimeSpan.FromSeconds(6), $"netns {name} gone");
        }
        finally
        {
            await Shell.RunAsync("ip", ["netns", "del", name], check: false);
        }
    }

    private static async Task<ulong> InodeOfAsync(string path) =>
        ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", path)).Out);
}
