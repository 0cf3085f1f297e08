using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.BrowserTests;

/// <summary>
/// The pages in Chromium against the running server, the real engine and the real /proc: what the user sees must
/// equal what the kernel says.
/// </summary>
public sealed class PagesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly string[] Types = ["mnt", "pid", "net", "uts", "ipc", "user", "cgroup", "time"];

    [Fact]
    public async Task ContainersPageShowsTheTutorialContainersAndTheirSharing()
    {
        var (page, errors) = await fixture.NewPageAsync();
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("mynetwork");
        var web1 = await docker.RunAsync("web1", ["--network", network]);
        var web2 = await docker.RunAsync("web2", ["--network", network]);
        var joiner = await docker.RunAsync("joiner", ["--network", $"container:{web1}"]);

        // The filter from the address: a busy host's other containers could fill the first page.
        await fixture.OpenAsync(page, $"/containers?q={docker.Prefix}");
        await Assertions.Expect(page.GetByTestId($"container-row-{web1}")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId($"container-row-{web2}")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId($"pid-{web1}")).ToHaveTextAsync((await docker.PidAsync(web1)).ToString());
        await Assertions.Expect(page.GetByTestId($"state-{web2}")).ToHaveTextAsync("running");

        await Assertions.Expect(page.GetByTestId($"ns-net-{web2}")).ToHaveTextAsync("private");
        await Assertions.Expect(page.GetByTestId($"ns-user-{web2}")).ToHaveTextAsync("host");
        await Assertions.Expect(page.GetByTestId($"ns-net-{web1}")).ToContainTextAsync(joiner);
        await Assertions.Expect(page.GetByTestId($"ns-net-{joiner}")).ToContainTextAsync(web1);
        await Assertions.Expect(page.GetByTestId($"ns-pid-{joiner}")).ToHaveTextAsync("private");

        // Show just this test's containers for the README's picture.
        await page.GetByTestId("container-filter").FillAsync(docker.Prefix);
        await Assertions.Expect(page.GetByTestId("container-count")).ToContainTextAsync("3");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "containers.png") });

        // The detail page: the tutorial's eight rows, with the inodes readlink gives.
        await page.GetByTestId($"container-link-{web1}").ClickAsync();
        await Assertions.Expect(page.GetByTestId("ns-row-time")).ToBeVisibleAsync();
        var pid = await docker.PidAsync(web1);
        foreach (var type in Types)
        {
            await Assertions.Expect(page.GetByTestId($"ns-inode-{type}")).ToHaveTextAsync((await Shell.ReadlinkNsAsync(pid, type)).ToString());
        }

        await Assertions.Expect(page.GetByTestId("ns-command-net")).ToContainTextAsync($"nsenter -t {pid} -n ip addr");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "container-details.png"), FullPage = true });

        Assert.Empty(errors);
    }

    [Fact]
    public async Task NamespacesPageShowsContainerNamespacesAndHiddenOnes()
    {
        Requirements.Root();
        var (page, errors) = await fixture.NewPageAsync();
        await using var docker = await DockerScope.CreateAsync();
        var web1 = await docker.RunAsync("web1");
        var pid = await docker.PidAsync(web1);
        var netInode = await Shell.ReadlinkNsAsync(pid, "net");
        var netns = docker.Name("netns");
        await Shell.RunAsync("ip", "netns", "add", netns);
        try
        {
            var hiddenInode = ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{netns}")).Out);

            // The test's own: the container's by its name, the hidden one by its bind mount's.
            await fixture.OpenAsync(page, $"/namespaces?type=net&q={docker.Prefix}");
            await Assertions.Expect(page.GetByTestId($"ns-row-net-{netInode}")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId($"ns-containers-{netInode}")).ToContainTextAsync(web1);
            await Assertions.Expect(page.GetByTestId($"ns-flags-{hiddenInode}")).ToContainTextAsync("hidden");
            await Assertions.Expect(page.GetByTestId($"ns-row-net-{hiddenInode}")).ToContainTextAsync($"/run/netns/{netns}");
            // Only net namespaces are listed under the type filter.
            Assert.Equal(0, await page.Locator("[data-testid^='ns-row-']:not([data-testid^='ns-row-net-'])").CountAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "namespaces.png") });

            // Search by the container's name narrows to its namespaces of this type.
            await page.GetByTestId("namespace-filter").FillAsync(web1);
            await Assertions.Expect(page.Locator("[data-testid^='ns-row-']")).ToHaveCountAsync(1);

            await fixture.OpenAsync(page, $"/namespaces/net/{netInode}");
            await Assertions.Expect(page.GetByTestId("processes")).ToContainTextAsync(pid.ToString());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "namespace-details.png"), FullPage = true });
        }
        finally
        {
            await Shell.RunAsync("ip", ["netns", "delete", netns], check: false);
        }

        Assert.Empty(errors);
    }
}

/// <summary>The prerendered page and WebAssembly's taking it over, with the pages in WebAssembly only.</summary>
public sealed class WebAssemblyPagesTests(WebAssemblyBrowserFixture fixture) : IClassFixture<WebAssemblyBrowserFixture>
{
    [Fact]
    public async Task ContainersPageShowsItsRowsBeforeTheAppRunsAndTheAppTakesThemOverWithoutAskingAgain()
    {
        await using var docker = await DockerScope.CreateAsync();
        var web1 = await docker.RunAsync("web1");
        var pid = await docker.PidAsync(web1);
        var net = await Shell.ReadlinkNsAsync(pid, "net");

        // Without the app (its script refused): the server's HTML alone, with the kernel's PID and inode.
        var (bare, _) = await fixture.NewPageAsync();
        await bare.RouteAsync("**/_framework/blazor.web*.js", route => route.AbortAsync());
        await bare.GotoAsync($"/containers?q={web1}");
        await Assertions.Expect(bare.Locator("[data-app='prerendered']")).ToBeAttachedAsync();
        await Assertions.Expect(bare.GetByTestId($"pid-{web1}")).ToHaveTextAsync(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(bare.GetByTestId($"ns-net-{web1}").Locator("a")).ToHaveAttributeAsync("href", $"namespaces/net/{net}");
        await bare.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "containers-prerendered.png") });

        // With the app: it renders the rows the page carried, then follows the hub; it never asks the REST API for them.
        var (page, errors) = await fixture.NewPageAsync();
        var asked = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/containers", StringComparison.Ordinal) || request.Url.Contains("/api/status", StringComparison.Ordinal))
            {
                asked.Add(request.Url);
            }
        };
        await fixture.OpenAsync(page, $"/containers?q={web1}");
        await Assertions.Expect(page.Locator("[data-renderer='WebAssembly']")).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByTestId("status-live")).ToHaveTextAsync("Live");
        await Assertions.Expect(page.GetByTestId($"pid-{web1}")).ToHaveTextAsync(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(asked);
        await Assertions.Expect(page.Locator("[data-testid^='container-row-']")).ToHaveCountAsync(1);
        // And it answers typing, as the prerendered page could not.
        await page.GetByTestId("container-filter").FillAsync(docker.Prefix + "-nothing");
        await Assertions.Expect(page.Locator("[data-testid^='container-row-']")).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }
}
