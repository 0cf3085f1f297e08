using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.BrowserTests;

/// <summary>
/// The app bar tells the truth about the live connection in a real browser, where the pages run in WebAssembly and
/// follow the hub. A class of its own: it stops its fixture's server, which the other classes' pages need.
/// </summary>
public sealed class LiveConnectionTests(WebAssemblyBrowserFixture fixture) : IClassFixture<WebAssemblyBrowserFixture>
{
    [Fact]
    public async Task StatusSaysReconnectingAndKeepsThePageWhenTheServerGoesAway()
    {
        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.RunAsync("stays");
        var (page, _) = await fixture.NewPageAsync();
        await fixture.OpenAsync(page, "/containers");
        await Assertions.Expect(page.Locator("[data-renderer='WebAssembly']")).ToBeAttachedAsync();
        await Assertions.Expect(page.GetByTestId("status-live")).ToHaveTextAsync("Live");
        await Assertions.Expect(page.GetByTestId($"container-row-{name}")).ToBeVisibleAsync();

        // The browser's errors about the lost socket are expected here, so they are not asserted on. The server
        // may take a while to stop; the client must say so as soon as its connection goes.
        var stopping = fixture.Dashboard.DisposeAsync().AsTask();
        try
        {
            await Assertions.Expect(page.GetByTestId("status-live")).ToHaveTextAsync("Reconnecting…", new() { Timeout = 30_000 });
            await Assertions.Expect(page.GetByTestId("status-live")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("mud-chip-color-warning"));
            // What was shown stays, marked as possibly stale by the chip, instead of an empty page.
            await Assertions.Expect(page.GetByTestId($"container-row-{name}")).ToBeVisibleAsync();
            await page.GetByTestId("status-live").HoverAsync();
            await Assertions.Expect(page.GetByText("may be out of date")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "status-reconnecting.png") });
        }
        finally
        {
            await stopping;
        }
    }
}
