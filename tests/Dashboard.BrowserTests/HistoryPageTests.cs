using System.Text.Json;
using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.BrowserTests;

/// <summary>
/// History in Chromium against the real server and engine: a container recorded in one snapshot and removed before
/// the next is listed in the first's past view, and the diff of the two names it as removed.
/// </summary>
public sealed class HistoryPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task APastSnapshotShowsARemovedContainerAndTheDiffNamesIt()
    {
        var (page, errors) = await fixture.NewPageAsync();
        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.RunAsync("hist1");

        await fixture.OpenAsync(page, "/history");
        var before = await TakeSnapshotAsync(page, fixture.Dashboard);
        await Shell.RunAsync("docker", "rm", "-f", name);
        var after = await TakeSnapshotAsync(page, fixture.Dashboard);
        Assert.True(after > before);

        // Both manual ones are on the timeline, newest first, with the reason; the diff link goes older → newer.
        await Assertions.Expect(page.GetByTestId($"reason-{before}")).ToHaveTextAsync("manual");
        await Assertions.Expect(page.GetByTestId($"reason-{after}")).ToHaveTextAsync("manual");
        await page.GetByTestId($"pick-{after}").CheckAsync();
        await page.GetByTestId($"pick-{before}").CheckAsync();
        await Assertions.Expect(page.GetByTestId("compare")).ToHaveAttributeAsync("href", $"history/{before}/diff/{after}");
        // The store's status follows through the live status after the server's next scan, and agrees with the list
        // (which the server's own "change" snapshot, due after the removal settles, may lengthen meanwhile).
        await page.WaitForFunctionAsync("""
            () => {
                const chip = document.querySelector('[data-testid=storage-status]')?.textContent.trim().match(/^(\d+) snapshots/);
                const list = document.querySelector('[data-testid=showing]')?.textContent.trim().match(/ of (\d+) snapshots/);
                return chip && list && chip[1] === list[1];
            }
            """, null, new() { Timeout = 30_000 });
        await SaveScreenshotAsync(page, "history.png", fullPage: false);

        // Download as JSON: the server's own answer, under the snapshot's name.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId($"download-{before}").ClickAsync());
        Assert.Equal($"snapshot-{before}.json", download.SuggestedFilename);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken));
        Assert.Equal(before, json.RootElement.GetProperty("snapshot").GetProperty("id").GetInt64());
        Assert.Contains(json.RootElement.GetProperty("state").GetProperty("containers").EnumerateArray(), c => c.GetProperty("name").GetString() == name);

        // The first snapshot as the past: the container is there, under the banner.
        await page.GetByTestId($"open-{before}").ClickAsync();
        await Assertions.Expect(page.GetByTestId("past-banner")).ToBeVisibleAsync();
        Assert.EndsWith($"/history/{before}/containers", page.Url);
        await Assertions.Expect(page.GetByTestId("past-snapshot")).ToContainTextAsync($"snapshot {before} · ");
        await Assertions.Expect(page.GetByTestId("past-snapshot")).ToContainTextAsync("manual");
        await page.GetByTestId("container-filter").FillAsync(docker.Prefix);
        await Assertions.Expect(page.GetByTestId($"container-row-{name}")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId($"state-{name}")).ToHaveTextAsync("running");
        await Assertions.Expect(page.GetByTestId($"container-link-{name}")).ToHaveAttributeAsync("href", $"history/{before}/containers/{name}");
        await MessagesGoneAsync(page);
        await SaveScreenshotAsync(page, "history-past-containers.png", fullPage: false);

        // The snapshot's other pages, from the banner: its namespaces (the container's net namespace) and its wiring.
        var netInode = json.RootElement.GetProperty("state").GetProperty("containers").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == name).GetProperty("namespaces").GetProperty("net").GetProperty("inode").GetUInt64();
        await page.GetByTestId("past-namespaces").ClickAsync();
        await page.GetByTestId("namespace-filter").FillAsync(name);
        await Assertions.Expect(page.GetByTestId($"ns-containers-{netInode}")).ToHaveTextAsync(name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "history-past-namespaces.png") });
        await page.GetByTestId($"ns-row-net-{netInode}").Locator("a").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("processes-not-recorded")).ToContainTextAsync("Processes are not recorded in snapshots");
        Assert.EndsWith($"/history/{before}/namespaces/net/{netInode}", page.Url);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "history-past-namespace.png") });
        await page.GetByTestId("past-topology").ClickAsync();
        await page.GetByTestId("topology-filter").FillAsync(docker.Prefix);
        await Assertions.Expect(page.Locator("[data-kind='container']").Filter(new() { HasText = name })).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "history-past-topology.png") });
        await page.GetByTestId("past-containers").ClickAsync();
        await page.GetByTestId("container-filter").FillAsync(docker.Prefix);

        // Its detail page stays in the past; the way back leads to the live page, where it is gone.
        await page.GetByTestId($"container-link-{name}").ClickAsync();
        await Assertions.Expect(page.GetByTestId("container-name")).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByTestId("past-note")).ToContainTextAsync($"As snapshot {before} recorded it");
        var errorsBefore = errors.Count;
        await page.GetByTestId("back-to-live").ClickAsync();
        await Assertions.Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        Assert.EndsWith($"/containers/{name}", page.Url);
        // The live page asked for the container and its namespaces and got the 404s that make it say "not found".
        Assert.All(errors.Skip(errorsBefore), e => Assert.Contains("status of 404", e));
        errors.RemoveRange(errorsBefore, errors.Count - errorsBefore);

        // The diff of the two names it as removed.
        await fixture.OpenAsync(page, $"/history/{before}/diff/{after}");
        await Assertions.Expect(page.GetByTestId("removed-containers")).ToContainTextAsync(name);
        await Assertions.Expect(page.GetByTestId("removed-containers").GetByRole(AriaRole.Link, new() { Name = name }))
            .ToHaveAttributeAsync("href", $"history/{before}/containers/{name}");
        await Assertions.Expect(page.GetByTestId("diff-summary")).ToContainTextAsync("removed");
        await SaveScreenshotAsync(page, "history-diff.png", fullPage: false);

        Assert.Empty(errors);
    }

    [Fact]
    public async Task DeletingASnapshotAsksFirstAndRemovesIt()
    {
        var (page, errors) = await fixture.NewPageAsync();
        await fixture.OpenAsync(page, "/history");
        var id = await TakeSnapshotAsync(page, fixture.Dashboard);

        await page.GetByTestId($"delete-{id}").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog).ToContainTextAsync($"Delete snapshot {id}?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId($"snapshot-row-{id}")).ToHaveCountAsync(0);
        var response = await page.EvaluateAsync<int>($"async () => (await fetch('api/snapshots/{id}')).status");
        Assert.Equal(404, response);
        errors.RemoveAll(e => e.Contains("404", StringComparison.Ordinal)); // the fetch above, on purpose
        Assert.Empty(errors);
    }

    /// <summary>
    /// Clicks "Take snapshot now" and returns the id the server gave the new snapshot, once the timeline shows it. The
    /// id is read from the page's own message: on the server the page takes it in process, in WebAssembly by a POST.
    /// </summary>
    private static async Task<long> TakeSnapshotAsync(IPage page, KestrelDashboard dashboard)
    {
        var messages = page.Locator(".mud-snackbar");
        var shown = TakenIds(await messages.AllInnerTextsAsync());
        await page.GetByTestId("take-snapshot").ClickAsync();
        // The server reads the host afresh for it: seconds on a busy machine.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        long id;
        while ((id = TakenIds(await messages.AllInnerTextsAsync()).Except(shown).FirstOrDefault()) == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No \"Snapshot N taken\" message in 120 s.\nThe server's last log lines:\n{dashboard.ServerLog.Tail()}");
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        await Assertions.Expect(page.GetByTestId($"snapshot-row-{id}")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("take-snapshot")).ToBeEnabledAsync();
        // The API agrees that it exists.
        Assert.Equal(200, await page.EvaluateAsync<int>($"async () => (await fetch('api/snapshots/{id}')).status"));
        return id;
    }

    private static long[] TakenIds(IEnumerable<string> messages) =>
    [
        .. messages.Select(m => System.Text.RegularExpressions.Regex.Match(m, @"Snapshot (\d+) taken"))
            .Where(m => m.Success)
            .Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary>Waits until the "Snapshot N taken" messages have gone by themselves: they would stand in the picture.</summary>
    private static Task MessagesGoneAsync(IPage page) => Assertions.Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0);

    private static async Task SaveScreenshotAsync(IPage page, string file, bool fullPage)
    {
        var path = Path.Combine(Shell.RepositoryRoot, "docs", "screenshots", file);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        File.Copy(path, Path.Combine(BrowserFixture.ScreenshotDirectory, file), overwrite: true);
    }
}
