using System.Globalization;
using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.BrowserTests;

/// <summary>The topology picture in Chromium on the real engine: each drawn wire must be one the kernel reports.</summary>
public sealed class TopologyPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task DrawsTheTutorialWiringFromContainerToNetwork()
    {
        var (page, errors) = await fixture.NewPageAsync();
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("mynetwork");
        var web1 = await docker.RunAsync("web1", ["--network", network]);
        var web2 = await docker.RunAsync("web2", ["--network", network]);
        var networkId = (await Shell.RunAsync("docker", "network", "inspect", "-f", "{{.Id}}", network)).Out;
        var bridge = $"br-{networkId[..12]}";

        // The kernel's side of web1's wire: eth0's index in its netns, and the index of its peer in the host's.
        var web1Net = await Shell.ReadlinkNsAsync(await docker.PidAsync(web1), "net");
        var eth0Index = int.Parse((await Shell.RunAsync("docker", "exec", web1, "cat", "/sys/class/net/eth0/ifindex")).Out, CultureInfo.InvariantCulture);
        var peerIndex = int.Parse((await Shell.RunAsync("docker", "exec", web1, "cat", "/sys/class/net/eth0/iflink")).Out, CultureInfo.InvariantCulture);

        await fixture.OpenAsync(page, "/topology");
        var web1Node = page.GetByTestId($"node-container:{await docker.IdAsync(web1)}");
        await Assertions.Expect(web1Node).ToHaveAttributeAsync("data-kind", "container");
        await Assertions.Expect(web1Node).ToContainTextAsync(web1Net.ToString(CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId($"node-container:{await docker.IdAsync(web2)}")).ToHaveAttributeAsync("data-kind", "container");
        var networkNode = page.GetByTestId($"node-network:{networkId}");
        await Assertions.Expect(networkNode).ToHaveAttributeAsync("data-kind", "network");
        await Assertions.Expect(networkNode).ToContainTextAsync(network);

        // Interface ids carry a generation after the inode; match on inode and index, then use the drawn id.
        var eth0 = page.Locator($"[data-testid^='node-if:{web1Net}.'][data-testid$='#{eth0Index}']");
        var bridgeNode = page.Locator("[data-kind='bridge']").Filter(new() { HasText = bridge });
        await Assertions.Expect(eth0).ToHaveCountAsync(1);
        await Assertions.Expect(eth0).ToContainTextAsync("eth0");
        await Assertions.Expect(bridgeNode).ToHaveCountAsync(1);
        var eth0Id = await NodeIdAsync(eth0);
        var bridgeId = await NodeIdAsync(bridgeNode);

        // The veth edge is stored from whichever end's id sorts first; its other end must be eth0's iflink.
        var veth = page.Locator($"[data-kind='veth'][data-testid^='edge-{eth0Id}-'], [data-kind='veth'][data-testid$='-{eth0Id}']");
        await Assertions.Expect(veth).ToHaveCountAsync(1);
        var vethTestId = (await veth.GetAttributeAsync("data-testid"))!;
        var hostVethId = vethTestId.StartsWith($"edge-{eth0Id}-", StringComparison.Ordinal)
            ? vethTestId[$"edge-{eth0Id}-".Length..]
            : vethTestId["edge-".Length..^($"-{eth0Id}".Length)];
        Assert.EndsWith($"#{peerIndex}", hostVethId);
        await Assertions.Expect(page.GetByTestId($"node-{hostVethId}")).ToHaveAttributeAsync("data-kind", "interface");
        await Assertions.Expect(page.GetByTestId($"edge-{hostVethId}-{bridgeId}")).ToHaveAttributeAsync("data-kind", "bridge-port");
        await Assertions.Expect(page.GetByTestId($"edge-{bridgeId}-network:{networkId}")).ToHaveAttributeAsync("data-kind", "member-of");

        // Only this test's containers for the README's picture, with web1 selected to show what it reaches.
        await page.GetByPlaceholder("Filter containers by name").FillAsync(docker.Prefix);
        await Assertions.Expect(page.Locator("[data-kind='container']")).ToHaveCountAsync(2);
        await web1Node.ClickAsync();
        await Assertions.Expect(page.GetByTestId("reachable-summary")).ToContainTextAsync(web2);
        await Assertions.Expect(page.GetByTestId($"node-container:{await docker.IdAsync(web2)}")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("reachable"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "topology.png") });

        Assert.Empty(errors);
    }

    private static async Task<string> NodeIdAsync(ILocator node) =>
        (await node.GetAttributeAsync("data-testid"))!["node-".Length..];
}
