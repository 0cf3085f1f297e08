using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.BrowserTests;

/// <summary>
/// Fifty containers on five networks in Chromium, on the real engine: every one drawn and wired through its veth and
/// its network's bridge to the network, checked against what the kernel and the engine say; a screenshot to look at.
/// </summary>
public sealed class TopologyFleetTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const int Networks = 5;
    private const int ContainersPerNetwork = 10;

    [Fact]
    public async Task FiftyContainersOnFiveNetworksAreEachDrawnAndWiredToTheirNetwork()
    {
        var (page, errors) = await fixture.NewPageAsync();
        await using var docker = await DockerScope.CreateAsync();
        var networks = new string[Networks];
        for (var n = 0; n < Networks; n++)
        {
            networks[n] = await docker.CreateNetworkAsync($"net{n}");
        }

        // A few `docker run`s at a time: the engine serialises much of the work, and two cores are all there is.
        var started = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(6);
        var names = await Task.WhenAll(Enumerable.Range(0, Networks * ContainersPerNetwork).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                return await docker.RunAsync($"n{i / ContainersPerNetwork}-c{i % ContainersPerNetwork:00}", ["--network", networks[i / ContainersPerNetwork]]);
            }
            finally
            {
                gate.Release();
            }
        }));
        TestContext.Current.SendDiagnosticMessage($"50 containers started in {started.Elapsed.TotalSeconds:0.0} s");

        // The engine's view of each container (id, PID, network id) in one call, and the kernel's netns of each PID.
        var expected = new Dictionary<string, (string Name, ulong Netns, string NetworkId)>(StringComparer.Ordinal);
        var inspect = JsonDocument.Parse((await Shell.RunAsync("docker", ["inspect", .. names])).Out).RootElement;
        foreach (var c in inspect.EnumerateArray())
        {
            var pid = c.GetProperty("State").GetProperty("Pid").GetInt32();
            var link = new FileInfo($"/proc/{pid}/ns/net").LinkTarget!; // net:[4026532185]
            var network = Assert.Single(c.GetProperty("NetworkSettings").GetProperty("Networks").EnumerateObject());
            expected[c.GetProperty("Id").GetString()!] = (c.GetProperty("Name").GetString()!.TrimStart('/'),
                ulong.Parse(link[5..^1], CultureInfo.InvariantCulture), network.Value.GetProperty("NetworkID").GetString()!);
        }

        Assert.Equal(Networks * ContainersPerNetwork, expected.Count);

        await fixture.OpenAsync(page, "/topology");
        // Only this test's containers: the engine is shared with other tests running beside this one.
        await page.GetByPlaceholder("Filter containers by name").FillAsync(docker.Prefix);
        await Assertions.Expect(page.Locator("[data-kind='container']")).ToHaveCountAsync(expected.Count);

        var nodes = await page.EvaluateAsync<DrawnNode[]>(
            "() => [...document.querySelectorAll('g.node')].map(g => ({ testId: g.dataset.testid, kind: g.dataset.kind, text: g.textContent }))");
        var edges = await page.EvaluateAsync<DrawnEdge[]>(
            "() => [...document.querySelectorAll('.edge')].map(l => ({ source: l.dataset.source, target: l.dataset.target, kind: l.dataset.kind }))");
        var drawn = nodes.ToDictionary(n => n.TestId["node-".Length..], StringComparer.Ordinal);
        string? Across(string kind, string id) => edges
            .Where(e => e.Kind == kind && (e.Source == id || e.Target == id))
            .Select(e => e.Source == id ? e.Target : e.Source)
            .SingleOrDefault();

        foreach (var (id, (name, netns, networkId)) in expected)
        {
            Assert.Equal("container", drawn[$"container:{id}"].Kind);
            Assert.Contains(name, drawn[$"container:{id}"].Text);

            // container → its eth0 (the one interface of its netns) → host veth → bridge → network.
            var eth0 = Assert.Single(drawn.Keys, k => (k.StartsWith($"if:{netns}:", StringComparison.Ordinal) || k.StartsWith($"if:{netns}.", StringComparison.Ordinal))
                && drawn[k].Kind == "interface");
            Assert.Contains("eth0", drawn[eth0].Text);
            var hostVeth = Across("veth", eth0);
            Assert.True(hostVeth is not null, $"{name}: no veth wire from {eth0}");
            var bridge = edges.SingleOrDefault(e => e.Kind == "bridge-port" && e.Source == hostVeth)?.Target;
            Assert.True(bridge is not null, $"{name}: {hostVeth} is not wired to a bridge");
            Assert.Equal("bridge", drawn[bridge].Kind);
            Assert.Contains(edges, e => e.Kind == "member-of" && e.Source == bridge && e.Target == $"network:{networkId}");
        }

        // Each network is drawn once, with its ten containers in its group.
        Assert.Equal(Networks, nodes.Count(n => n.Kind == "network"));

        var path = Path.Combine(Shell.RepositoryRoot, "docs", "screenshots", "topology-50.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        File.Copy(path, Path.Combine(BrowserFixture.ScreenshotDirectory, "topology-50.png"), overwrite: true);
        Assert.Empty(errors);
    }

    // Playwright fills these from the page's objects through settable properties.
    private sealed class DrawnNode
    {
        public string TestId { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Text { get; set; } = "";
    }

    private sealed class DrawnEdge
    {
        public string Source { get; set; } = "";
        public string Target { get; set; } = "";
        public string Kind { get; set; } = "";
    }
}
