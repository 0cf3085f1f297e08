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

        // Interface ids carry the namespace's cookie after the inode; match on inode and index, then use the drawn id.
        var eth0 = Interface(page, web1Net, eth0Index);
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

    [Fact]
    public async Task DrawsIpNetnsWithoutContainersAsFramesWiredToTheHostAndToEachOther()
    {
        var (page, errors) = await fixture.NewPageAsync();
        var name = $"dt-{Guid.NewGuid().ToString("N")[..6]}";
        string first = name + "-a", second = name + "-b";
        string hostEnd = name + "h", firstEnd = name + "a", firstToSecond = name + "x", secondEnd = name + "y";
        try
        {
            // Configured only, and left down: no packet goes anywhere.
            await Shell.RunAsync("ip", "netns", "add", first);
            await Shell.RunAsync("ip", "netns", "add", second);
            await Shell.RunAsync("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", firstEnd);
            await Shell.RunAsync("ip", "link", "set", firstEnd, "netns", first);
            await Shell.RunAsync("ip", "-n", first, "addr", "add", "10.231.7.2/30", "dev", firstEnd);
            await Shell.RunAsync("ip", "-n", first, "link", "add", firstToSecond, "type", "veth", "peer", "name", secondEnd, "netns", second);

            // The kernel's own answers: each namespace's inode and each end's index.
            var hostInode = await Shell.ReadlinkNsAsync(Environment.ProcessId, "net");
            var firstInode = await InodeOfAsync(first);
            var secondInode = await InodeOfAsync(second);
            var hostEndIndex = await IfIndexAsync(null, hostEnd);
            var firstEndIndex = await IfIndexAsync(first, firstEnd);
            var firstToSecondIndex = await IfIndexAsync(first, firstToSecond);
            var secondEndIndex = await IfIndexAsync(second, secondEnd);

            await fixture.OpenAsync(page, "/topology");
            var frame = page.Locator("[data-kind='netns']").Filter(new() { HasText = $"ip netns {first}" });
            await Assertions.Expect(frame).ToHaveCountAsync(1);
            await Assertions.Expect(frame).ToContainTextAsync($"net:[{firstInode}]");
            await Assertions.Expect(frame).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("labelled"));
            var secondFrame = page.Locator("[data-kind='netns']").Filter(new() { HasText = $"ip netns {second}" });
            await Assertions.Expect(secondFrame).ToContainTextAsync($"net:[{secondInode}]");

            var hostNode = Interface(page, hostInode, hostEndIndex);
            var firstNode = Interface(page, firstInode, firstEndIndex);
            await Assertions.Expect(hostNode).ToContainTextAsync(hostEnd);
            await Assertions.Expect(firstNode).ToContainTextAsync(firstEnd);
            await Assertions.Expect(firstNode).ToContainTextAsync("10.231.7.2/30");
            await Assertions.Expect(Interface(page, secondInode, secondEndIndex)).ToContainTextAsync(secondEnd);

            // The inside end is drawn within its namespace's frame.
            var frameBox = (await frame.Locator("rect").First.BoundingBoxAsync())!;
            var firstBox = (await firstNode.Locator("rect").First.BoundingBoxAsync())!;
            Assert.InRange(firstBox.X, frameBox.X, frameBox.X + frameBox.Width - firstBox.Width);
            Assert.InRange(firstBox.Y, frameBox.Y, frameBox.Y + frameBox.Height - firstBox.Height);

            await Assertions.Expect(Wire(page, await NodeIdAsync(hostNode), await NodeIdAsync(firstNode))).ToHaveCountAsync(1);
            await Assertions.Expect(Wire(page, await NodeIdAsync(Interface(page, firstInode, firstToSecondIndex)), await NodeIdAsync(Interface(page, secondInode, secondEndIndex))))
                .ToHaveCountAsync(1);

            await page.GetByPlaceholder("Filter containers by name").FillAsync(name);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "topology-netns.png"), FullPage = true });
            await Assertions.Expect(page.Locator("[data-kind='netns'].labelled")).ToHaveCountAsync(2);

            // Switched off, the band goes and the Docker side stays.
            await page.GetByTestId("show-namespaces").UncheckAsync();
            await Assertions.Expect(frame).ToHaveCountAsync(0);
            await Assertions.Expect(hostNode).ToHaveCountAsync(0);

            Assert.Empty(errors);
        }
        finally
        {
            // Deleting a namespace destroys the veth ends in it, and with them their peers.
            await Shell.RunAsync("ip", ["link", "del", hostEnd], check: false);
            await Shell.RunAsync("ip", ["netns", "del", first], check: false);
            await Shell.RunAsync("ip", ["netns", "del", second], check: false);
        }
    }

    private static async Task<ulong> InodeOfAsync(string netns) =>
        ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{netns}")).Out, CultureInfo.InvariantCulture);

    private static async Task<int> IfIndexAsync(string? netns, string link)
    {
        string[] args = netns is null ? ["-j", "link", "show", link] : ["-n", netns, "-j", "link", "show", link];
        using var json = System.Text.Json.JsonDocument.Parse((await Shell.RunAsync("ip", args)).Out);
        return json.RootElement[0].GetProperty("ifindex").GetInt32();
    }

    /// <summary>
    /// An interface box by its namespace's inode and its index; what stands between them (the namespace's cookie, or a
    /// generation where the kernel gives no cookie) is left open.
    /// </summary>
    private static ILocator Interface(IPage page, ulong inode, int index) =>
        page.Locator($"[data-testid^='node-if:{inode}:'][data-testid$='#{index}'], [data-testid^='node-if:{inode}.'][data-testid$='#{index}']");

    /// <summary>The veth line between two drawn ids, whichever end the edge is stored from.</summary>
    private static ILocator Wire(IPage page, string a, string b) =>
        page.Locator($"[data-kind='veth'][data-testid='edge-{a}-{b}'], [data-kind='veth'][data-testid='edge-{b}-{a}']");

    private static async Task<string> NodeIdAsync(ILocator node) =>
        (await node.GetAttributeAsync("data-testid"))!["node-".Length..];
}
