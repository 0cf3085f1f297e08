using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.BrowserTests;

/// <summary>
/// Pages left open follow the host through the live hub: a container started by the test appears without a reload,
/// on each page that shows it.
/// </summary>
public sealed class LiveUpdatesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    // Docker reports a start at once and the server publishes within 100 ms; this covers a loaded CI machine.
    private static readonly LocatorAssertionsToBeVisibleOptions s_live = new() { Timeout = 10_000 };

    /// <summary>Opens the page, checks it is live over a WebSocket, and marks the document so that a reload would show.</summary>
    private async Task<(IPage Page, List<string> Errors, List<string> Sockets)> OpenLiveAsync(string url)
    {
        var (page, errors) = await fixture.NewPageAsync();
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);
        await fixture.OpenAsync(page, url);
        await Assertions.Expect(page.GetByTestId("status-live")).ToHaveTextAsync("Live");
        await Assertions.Expect(page.GetByTestId("status-live")).ToHaveAttributeAsync("data-state", "Live");
        // The hub's socket where the page runs in WebAssembly, the circuit's where it runs on the server (a cold browser).
        Assert.Contains(sockets, s => s.Contains("/hubs/dashboard", StringComparison.Ordinal) || s.Contains("/_blazor", StringComparison.Ordinal));
        await page.EvaluateAsync("() => { window.liveMarker = 'still the same document'; }");
        return (page, errors, sockets);
    }

    private static async Task AssertNotReloadedAsync(IPage page) =>
        Assert.Equal("still the same document", await page.EvaluateAsync<string?>("() => window.liveMarker ?? null"));

    [Fact]
    public async Task ContainersPageShowsAStartedContainerWithoutReloading()
    {
        await using var docker = await DockerScope.CreateAsync();
        var (page, errors, _) = await OpenLiveAsync("/containers");
        // Only this test's containers, so the picture shows the one that arrived; the filter must survive the update.
        await page.GetByTestId("container-filter").FillAsync(docker.Prefix);
        await Assertions.Expect(page.GetByTestId("container-count")).ToContainTextAsync("0 of ");

        var name = await docker.RunAsync("live1");

        await Assertions.Expect(page.GetByTestId($"container-row-{name}")).ToBeVisibleAsync(s_live);
        await Assertions.Expect(page.GetByTestId($"state-{name}")).ToHaveTextAsync("running", new() { Timeout = 10_000 });
        var pid = await docker.PidAsync(name);
        await Assertions.Expect(page.GetByTestId($"pid-{name}")).ToHaveTextAsync(pid.ToString(), new() { Timeout = 10_000 });
        await Assertions.Expect(page.GetByTestId($"ns-net-{name}")).ToHaveTextAsync("private", new() { Timeout = 10_000 });
        await AssertNotReloadedAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "containers-live.png") });

        // Removal is followed the same way.
        await Shell.RunAsync("docker", "rm", "-f", name);
        await Assertions.Expect(page.GetByTestId($"container-row-{name}")).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await AssertNotReloadedAsync(page);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task NamespacesAndTopologyPagesShowAStartedContainerWithoutReloading()
    {
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("livenet");
        var (namespaces, namespaceErrors, _) = await OpenLiveAsync("/namespaces?type=net");
        await namespaces.GetByTestId("namespace-filter").FillAsync(docker.Prefix);
        await Assertions.Expect(namespaces.GetByTestId("namespace-count")).ToContainTextAsync("0 of ");
        var (topology, topologyErrors, _) = await OpenLiveAsync("/topology");
        await topology.GetByTestId("topology-filter").FillAsync(docker.Prefix);

        var name = await docker.RunAsync("live2", ["--network", network]);
        var id = await docker.IdAsync(name);
        var netInode = await Shell.ReadlinkNsAsync(await docker.PidAsync(name), "net");

        await Assertions.Expect(namespaces.GetByTestId($"ns-row-net-{netInode}")).ToBeVisibleAsync(s_live);
        await Assertions.Expect(namespaces.GetByTestId($"ns-containers-{netInode}")).ToHaveTextAsync(name);
        await Assertions.Expect(namespaces.GetByTestId("namespace-count")).ToContainTextAsync("1 of ");
        await AssertNotReloadedAsync(namespaces);
        await namespaces.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "namespaces-live.png") });

        var node = topology.GetByTestId($"node-container:{id}");
        await Assertions.Expect(node).ToBeVisibleAsync(s_live);
        await Assertions.Expect(node).ToContainTextAsync(netInode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(topology.Locator("[data-kind='network']").Filter(new() { HasText = network })).ToHaveCountAsync(1);
        await AssertNotReloadedAsync(topology);
        await topology.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "topology-live.png") });

        Assert.Empty(namespaceErrors);
        Assert.Empty(topologyErrors);
    }
}
