using System.Net;

namespace Dashboard.IntegrationTests.Access;

public sealed class SmallFailureBudgetFactory : AccessFactory
{
    public const int Budget = 4;

    public SmallFailureBudgetFactory()
    {
        Settings["Dashboard:RateLimit:FailureBurst"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // One back a minute: nothing refills while a test runs.
        Settings["Dashboard:RateLimit:FailuresPerMinute"] = "1";
    }
}

/// <summary>
/// Wrong tokens are counted per client on every path, and a client that sent too many is refused whatever token it
/// sends next, so that no path answers whether a guess was right. Each test uses addresses of its own.
/// </summary>
public sealed class FailedCredentialsTests(SmallFailureBudgetFactory factory) : IClassFixture<SmallFailureBudgetFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WrongBearerTokensOnPagesAndFilesSpendTheBudgetThenEvenTheRightTokenGets429()
    {
        const string client = "192.0.2.80";
        // Paths without a rate limit of their own: the app's page, a file, the icon the login page shows.
        string[] paths = ["/", "/_framework/blazor.web.js", "/favicon.svg", "/containers"];
        for (var i = 0; i < SmallFailureBudgetFactory.Budget; i++)
        {
            using var wrong = await SendAsync(HttpMethod.Get, paths[i % paths.Length], client, "Bearer wrong-token-0123456789-" + i);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, wrong.StatusCode);
        }

        using var right = await SendAsync(HttpMethod.Get, "/api/status", client, "Bearer " + AccessFactory.Token);
        await AssertRefusedAsync(right);
        using var rightOnPage = await SendAsync(HttpMethod.Get, "/", client, "Bearer " + AccessFactory.Token);
        await AssertRefusedAsync(rightOnPage);
        using var loginUrl = await SendAsync(HttpMethod.Get, $"/login?t={AccessFactory.Token}", client, null);
        await AssertRefusedAsync(loginUrl);

        // Without a token the client is not refused (a logged-in browser behind the same address goes on).
        using var health = await SendAsync(HttpMethod.Get, "/healthz", client, null);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        // Another client is not touched.
        using var other = await SendAsync(HttpMethod.Get, "/api/status", "192.0.2.81", "Bearer " + AccessFactory.Token);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains(factory.Log, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("192.0.2.80") && l.Contains("too many wrong access tokens"));
    }

    [Fact]
    public async Task WrongLoginUrlsAndLoginFormsSpendTheBudgetToo()
    {
        const string client = "192.0.2.82";
        for (var i = 0; i < SmallFailureBudgetFactory.Budget / 2; i++)
        {
            using var wrongUrl = await SendAsync(HttpMethod.Get, "/login?t=wrong-token-0123456789", client, null);
            Assert.Equal(HttpStatusCode.Unauthorized, wrongUrl.StatusCode);
        }

        var browser = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Add(AccessFactory.ClientHeader, client);
        for (var i = 0; i < SmallFailureBudgetFactory.Budget / 2; i++)
        {
            var fields = await AccessTests.FormFieldsAsync(browser, "/login");
            fields.Add(new("token", "wrong-token-0123456789"));
            using var wrongForm = await browser.PostAsync("/login", new FormUrlEncodedContent(fields), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, wrongForm.StatusCode);
        }

        var last = await AccessTests.FormFieldsAsync(browser, "/login");
        last.Add(new("token", AccessFactory.Token));
        using var rightForm = await browser.PostAsync("/login", new FormUrlEncodedContent(last), Ct);
        await AssertRefusedAsync(rightForm);
    }

    [Fact]
    public async Task AnIPv6ClientIsCountedByItsSlash64AndAMappedIPv4ByItsIPv4()
    {
        for (var i = 0; i < SmallFailureBudgetFactory.Budget; i++)
        {
            // A fresh address of the same /64 for every guess buys nothing.
            using var wrong = await SendAsync(HttpMethod.Get, "/api/status", $"2001:db8:80:1::{i + 1:x}", "Bearer wrong-token-0123456789");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var sameNetwork = await SendAsync(HttpMethod.Get, "/api/status", "2001:db8:80:1:ffff::99", "Bearer " + AccessFactory.Token);
        await AssertRefusedAsync(sameNetwork);
        using var otherNetwork = await SendAsync(HttpMethod.Get, "/api/status", "2001:db8:80:2::1", "Bearer " + AccessFactory.Token);
        Assert.Equal(HttpStatusCode.OK, otherNetwork.StatusCode);

        for (var i = 0; i < SmallFailureBudgetFactory.Budget; i++)
        {
            using var wrong = await SendAsync(HttpMethod.Get, "/", "::ffff:192.0.2.83", "Bearer wrong-token-0123456789");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, wrong.StatusCode);
        }

        using var plainIPv4 = await SendAsync(HttpMethod.Get, "/api/status", "192.0.2.83", "Bearer " + AccessFactory.Token);
        await AssertRefusedAsync(plainIPv4);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string client, string? authorization)
    {
        using var request = new HttpRequestMessage(method, url) { Headers = { { AccessFactory.ClientHeader, client } } };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await factory.Anonymous().SendAsync(request, Ct);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("60", response.Headers.RetryAfter?.ToString());
        Assert.Contains("too many wrong tokens", await response.Content.ReadAsStringAsync(Ct));
        Assert.DoesNotContain(AccessFactory.Token, await response.Content.ReadAsStringAsync(Ct));
    }
}
