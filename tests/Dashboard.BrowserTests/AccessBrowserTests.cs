using Dashboard.Testing;
using Microsoft.Playwright;

namespace Dashboard.BrowserTests;

/// <summary>The Content-Security-Policy lets the app run whole: WebAssembly, MudBlazor, the hub's WebSocket.</summary>
public sealed class ContentSecurityPolicyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task EveryPageRunsWithoutACspViolation()
    {
        var (page, errors) = await fixture.NewPageAsync();
        var violations = await WatchViolationsAsync(page);

        foreach (var url in new[] { "/containers", "/namespaces", "/topology" })
        {
            await fixture.OpenAsync(page, url);
            // Live means the hub's WebSocket got through connect-src.
            await Assertions.Expect(page.GetByTestId("status-live")).ToHaveTextAsync("Live");
        }

        var header = (await page.GotoAsync("/containers"))!.Headers["content-security-policy"];
        Assert.Contains("'wasm-unsafe-eval'", header);
        await Assertions.Expect(page.GetByTestId("status")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join('\n', violations));
        Assert.Empty(errors);
    }

    /// <summary>
    /// Chromium reports a blocked script, style or connection both in the console and as a securitypolicyviolation
    /// event; both are collected (the listener is installed by Playwright, which the page's policy does not cover).
    /// </summary>
    internal static async Task<List<string>> WatchViolationsAsync(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add($"console {message.Type}: {message.Text}");
            }
        };
        await page.ExposeFunctionAsync("reportCspViolation", (string text) => violations.Add(text));
        await page.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
              window.reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
            """);
        return violations;
    }
}

/// <summary>A dashboard that requires a token, in Chromium: the login page, the cookie for the app and the hub, logout.</summary>
public sealed class TokenBrowserFixture : BrowserFixture
{
    public const string Token = "browser-test-token-0123456789";

    protected override void Configure(KestrelDashboard dashboard) => dashboard.Settings["Dashboard:AccessToken"] = Token;
}

public sealed class LoginTests(TokenBrowserFixture fixture) : IClassFixture<TokenBrowserFixture>
{
    [Fact]
    public async Task LoginPageTakesTheTokenAndTheAppThenRunsOnTheCookie()
    {
        var (page, errors) = await fixture.NewPageAsync();
        var violations = await ContentSecurityPolicyTests.WatchViolationsAsync(page);

        await page.GotoAsync("/containers");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?returnUrl=%2Fcontainers$"));
        await page.GetByLabel("Access token").FillAsync("wrong-token-0123456789");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not this dashboard");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "login.png") });

        await page.GetByLabel("Access token").FillAsync(TokenBrowserFixture.Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/containers$"));
        await Assertions.Expect(page.GetByTestId("status")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        // The hub took the cookie on its WebSocket.
        await Assertions.Expect(page.GetByTestId("status-live")).ToHaveTextAsync("Live");

        // What the app's AntiforgeryHandler does for a snapshot, from the page: without the header it is refused.
        var statuses = await page.EvaluateAsync<int[]>("""
            async () => {
              const bare = await fetch('api/snapshots', { method: 'POST' });
              const { headerName, requestToken } = await (await fetch('api/antiforgery')).json();
              const withToken = await fetch('api/snapshots', { method: 'POST', headers: { [headerName]: requestToken } });
              return [bare.status, withToken.status];
            }
            """);
        Assert.Equal([400, 201], statuses);

        await page.GotoAsync("/logout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login$"));
        var after = await page.EvaluateAsync<int>("async () => (await fetch('api/status')).status");
        Assert.Equal(401, after);

        Assert.True(violations.Count == 0, "CSP violations:\n" + string.Join('\n', violations));
        // The console shows only the refusals the test asked for: the wrong token (401), the post without the
        // antiforgery header (400), the API after logout (401).
        Assert.All(errors, e => Assert.Matches("status of (400|401)", e));
    }

    [Fact]
    public async Task TheLoginUrlLogsInAndLeavesNoTokenInTheAddressBar()
    {
        var (page, errors) = await fixture.NewPageAsync();
        await page.GotoAsync($"/login?t={TokenBrowserFixture.Token}&returnUrl=%2Fnamespaces");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/namespaces$"));
        Assert.DoesNotContain(TokenBrowserFixture.Token, page.Url);
        await Assertions.Expect(page.GetByTestId("status")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        Assert.Empty(errors);
    }
}
