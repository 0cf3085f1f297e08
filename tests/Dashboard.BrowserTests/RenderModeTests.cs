using System.Globalization;
using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.BrowserTests;

/// <summary>
/// The default render mode, Auto: a browser that has not cached the WebAssembly app gets the page interactive over a
/// circuit at once, live from the server's own state; once the app is cached, the next visit runs it in the browser.
/// </summary>
public sealed class RenderModeTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AColdBrowserGetsALiveInteractivePageFromTheServerAndTheNextVisitRunsInWebAssembly()
    {
        await using var docker = await DockerScope.CreateAsync();
        var web1 = await docker.RunAsync("web1");
        var pid = await docker.PidAsync(web1);
        var (page, errors) = await fixture.NewPageAsync();
        var asked = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/", StringComparison.Ordinal) || request.Url.Contains("/hubs/", StringComparison.Ordinal))
            {
                asked.Add(request.Url);
            }
        };

        await fixture.OpenAsync(page, $"/containers?q={docker.Prefix}");
        await Assertions.Expect(page.Locator("[data-renderer='Server']")).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByTestId("status-live")).ToHaveTextAsync("Live");
        await Assertions.Expect(page.GetByTestId($"pid-{web1}")).ToHaveTextAsync(pid.ToString(CultureInfo.InvariantCulture));

        // Live: a container started now appears without a reload, and typing narrows the rows.
        var web2 = await docker.RunAsync("web2");
        await Assertions.Expect(page.GetByTestId($"container-row-{web2}")).ToBeVisibleAsync();
        await page.GetByTestId("container-filter").FillAsync(web2);
        await Assertions.Expect(page.Locator("[data-testid^='container-row-']")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "containers-server-rendered.png") });
        // On the server the pages read the live state in process: the browser asked neither the API nor the hub.
        Assert.Empty(asked);

        // Meanwhile the browser fetched the WebAssembly app in the background (one file at a time, so as not to slow
        // the page); Blazor notes in local storage when it has it all. The next visit runs the app in the browser.
        await page.WaitForFunctionAsync(
            "() => Object.keys(window.localStorage).some(k => k.startsWith('blazor-resource-hash:'))",
            null,
            new PageWaitForFunctionOptions { Timeout = 120_000, PollingInterval = 500 });
        await fixture.OpenAsync(page, $"/containers?q={docker.Prefix}");
        await Assertions.Expect(page.Locator("[data-renderer='WebAssembly']")).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByTestId("status-live")).ToHaveTextAsync("Live");
        await Assertions.Expect(page.GetByTestId($"container-row-{web2}")).ToBeVisibleAsync();
        Assert.Empty(errors);
    }
}

/// <summary>Pages interactive on the server say so when the server goes away. A class of its own: it stops its server.</summary>
public sealed class CircuitConnectionTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task APageOnTheServerShowsThatTheConnectionIsLostAndKeepsWhatItShowed()
    {
        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.RunAsync("stays");
        var (page, _) = await fixture.NewPageAsync();
        await fixture.OpenAsync(page, $"/containers?q={docker.Prefix}");
        await Assertions.Expect(page.Locator("[data-renderer='Server']")).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByTestId($"container-row-{name}")).ToBeVisibleAsync();

        var stopping = fixture.Dashboard.DisposeAsync().AsTask();
        try
        {
            // Blazor's own dialog: the page can no longer answer, and it says it is trying to reconnect.
            await Assertions.Expect(page.GetByText("Rejoining the server")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.GetByTestId($"container-row-{name}")).ToBeAttachedAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "circuit-reconnecting.png") });
        }
        finally
        {
            await stopping;
        }
    }
}
