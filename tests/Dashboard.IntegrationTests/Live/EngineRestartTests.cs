using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Live;

/// <summary>
/// The engine stops and starts again under a live subscriber: /proc changes keep streaming, the status says
/// reconnecting, then unavailable, then connected, and the container list is resynchronised.
/// </summary>
public sealed class EngineRestartTests
{
    [Fact]
    public async Task HubKeepsStreamingWhileTheEngineIsDownAndResynchronisesWhenItReturns()
    {
        Requirements.Root();
        await using var engine = await SecondEngine.StartAsync();
        var prefix = $"dt-{Guid.NewGuid().ToString("N")[..6]}-";
        var before = await engine.RunAsync(prefix + "before");

        await using var factory = new DashboardFactory();
        factory.Settings["Dashboard:DockerEndpoint"] = engine.Endpoint;
        factory.Settings["Dashboard:ScanInterval"] = "00:00:00.500";
        _ = factory.Server;
        await using var live = await LiveSubscription.StartAsync(factory.Server);
        var budget = TimeSpan.FromSeconds(15);
        await live.WaitForAsync(l => l.Status?.Docker.State == DockerEngineState.Connected && l.Containers.ContainsKey(before), budget, "connected, with the first container");
        Assert.Equal(["running"], live.Read(l => l.Containers.Values.Select(c => c.State).ToList()));

        // Down: the status goes to reconnecting, then (after the grace period) unavailable.
        await engine.StopDaemonAsync();
        await live.WaitForAsync(l => l.Status?.Docker.State == DockerEngineState.Reconnecting, budget, "reconnecting");
        await live.WaitForAsync(l => l.Status?.Docker.State == DockerEngineState.Unavailable, budget, "unavailable");
        Assert.False(live.Read(l => l.Status!.Docker.Available));

        // Meanwhile /proc is still followed: a new network namespace arrives.
        var netns = prefix + "down";
        await Shell.RunAsync("ip", "netns", "add", netns);
        try
        {
            var inode = ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{netns}")).Out);
            await live.WaitForAsync(l => l.NetworkNamespaces.ContainsKey(inode), budget, "a netns added while the engine is down");
        }
        finally
        {
            await Shell.RunAsync("ip", ["netns", "del", netns], check: false);
        }

        // Back: connected again, and the list is the engine's (the first container stopped with the engine).
        await engine.StartDaemonAsync();
        await live.WaitForAsync(l => l.Status?.Docker.State == DockerEngineState.Connected && l.Containers.ContainsKey(before), TimeSpan.FromSeconds(30), "connected again");
        var engineSays = (await engine.DockerAsync("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.State}}")).Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(engineSays.OrderBy(kv => kv.Key), live.Read(l => l.Containers.Values.ToDictionary(c => c.Id, c => c.State)).OrderBy(kv => kv.Key));

        // And its events are followed again: a container started now arrives with its namespaces.
        var after = await engine.RunAsync(prefix + "after");
        await live.WaitForAsync(l => l.Containers.TryGetValue(after, out var c) && c.State == "running" && c.Namespaces?.Count == 8, budget, "a container started after the restart");
        Assert.Empty(live.Read(l => l.Gaps));
        Assert.Null(live.Read(l => l.Ended));
    }
}
