using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.BrowserTests;

/// <summary>One Chromium (Debian's, never a downloaded one) and one dashboard on a real port per test class.</summary>
public class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    private BrowserNetworkNamespace? _netns;
    private KestrelDashboard? _dashboard;

    public KestrelDashboard Dashboard => _dashboard ?? throw new InvalidOperationException("dashboard not started");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("browser not started");

    /// <summary>Where screenshots go: TestResults/screenshots under the test project's output.</summary>
    public static string ScreenshotDirectory { get; } = Directory.CreateDirectory(
        Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public async ValueTask InitializeAsync()
    {
        // The first load of a Debug WebAssembly app fetches some 200 files; on a busy 2-core machine that takes seconds.
        Assertions.SetDefaultExpectTimeout(30_000);

        if (!File.Exists("/usr/bin/chromium") || Environment.UserName != "root")
        {
            return; // each test calls Requirements.Chromium() and Requirements.Root() and reports the reason
        }

        _netns = await BrowserNetworkNamespace.CreateAsync();
        _dashboard = new KestrelDashboard(_netns.Listen());
        Configure(_dashboard);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = _netns.ChromiumLauncher,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    /// <summary>Settings for the dashboard before it starts, e.g. an access token.</summary>
    protected virtual void Configure(KestrelDashboard dashboard)
    {
    }

    /// <summary>A fresh page whose console errors are collected, so a test can assert there were none.</summary>
    public async Task<(IPage Page, List<string> Errors)> NewPageAsync()
    {
        Requirements.Chromium();
        Requirements.Root(); // the browser runs in a network namespace of its own
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
            BaseURL = Dashboard.Address.ToString(),
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.RequestFailed += (_, request) => _log.Enqueue($"request failed: {request.Method} {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                _log.Enqueue($"{response.Status} {response.Request.Method} {response.Url}");
            }
        };
        page.Console += (_, message) =>
        {
            _log.Enqueue($"console {message.Type}: {message.Text}");
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        return (page, errors);
    }

    /// <summary>Loads a page and waits until the WebAssembly app has taken it over and shown the status bar.</summary>
    public async Task OpenAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        try
        {
            // The server's prerendered HTML shows the page at once; it answers clicks and typing only once the app in
            // the browser runs it. Booting the runtime is the slow part, and CI runs other test assemblies beside this one.
            await Assertions.Expect(page.Locator("[data-app='interactive']")).ToBeAttachedAsync(new() { Timeout = 120_000 });
            await Assertions.Expect(page.GetByTestId("status")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        }
        catch (PlaywrightException e)
        {
            var shot = Path.Combine(ScreenshotDirectory, $"failed-{DateTime.UtcNow:HHmmss}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            var body = await page.Locator("body").InnerTextAsync();
            throw new InvalidOperationException(
                $"{url} did not finish loading ({e.Message.Split('\n')[0]}). Screenshot: {shot}\nPage text: {body}\nBrowser log:\n{string.Join('\n', _log.TakeLast(40))}\nServer log:\n{Dashboard.ServerLog.Tail(40)}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }

        if (_netns is not null)
        {
            await _netns.DisposeAsync();
        }
    }
}

/// <summary>A dashboard whose pages run in WebAssembly only (<c>Dashboard:RenderMode=WebAssembly</c>): the hub's path.</summary>
public sealed class WebAssemblyBrowserFixture : BrowserFixture
{
    protected override void Configure(KestrelDashboard dashboard) => dashboard.Settings["Dashboard:RenderMode"] = "WebAssembly";
}
