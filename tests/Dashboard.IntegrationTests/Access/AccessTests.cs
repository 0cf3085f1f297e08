using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dashboard.IntegrationTests.Api;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.IntegrationTests.Access;

/// <summary>With an access token configured: who gets in, how, and what everybody else gets.</summary>
public sealed partial class AccessTests(AccessFactory factory) : IClassFixture<AccessFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/api/status")]
    [InlineData("/api/containers")]
    [InlineData("/api/snapshots")]
    [InlineData("/api/antiforgery")]
    [InlineData("/api/no-such-thing")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/hubs/dashboard")]
    public async Task NoTokenIs401ProblemNeverARedirect(string url)
    {
        using var response = await factory.Anonymous().GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer realm=\"dashboard\"", response.Headers.WwwAuthenticate.ToString());
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Contains("Bearer", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("wrong-token-0123456789abcdef")]
    [InlineData("test-token-0123456789abcdeF")] // one character off
    [InlineData("test-token-0123456789abcdef-and-more")]
    [InlineData("x")]
    public async Task WrongBearerTokenIs401InvalidToken(string token)
    {
        var problem = await factory.Bearer(token).GetProblemAsync("/api/status", HttpStatusCode.Unauthorized);
        Assert.Equal("Wrong access token", problem.GetProperty("title").GetString());
        using var response = await factory.Bearer(token).GetAsync("/api/status", Ct);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task RightBearerTokenReadsTheApi()
    {
        var status = await factory.Bearer().GetJsonAsync<StatusInfo>("/api/status");
        Assert.False(string.IsNullOrEmpty(status.ProcRoot));
        using var openApi = await factory.Bearer().GetAsync("/openapi/v1.json", Ct);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    [Fact]
    public async Task ClientsOnOtherMachinesNeedTheTokenLikeEveryoneElse()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { AccessFactory.ClientHeader, "192.0.2.10" } } };
        using var refused = await factory.Anonymous().SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var withToken = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { AccessFactory.ClientHeader, "192.0.2.10" } } };
        using var served = await factory.Bearer().SendAsync(withToken, Ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task AccessTokenInTheQueryIsForTheHubOnly()
    {
        using var api = await factory.Anonymous().GetAsync($"/api/status?access_token={AccessFactory.Token}", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Theory]
    [InlineData("/", "/login?returnUrl=%2F")]
    [InlineData("/containers", "/login?returnUrl=%2Fcontainers")]
    [InlineData("/namespaces/net/4026531840?x=1", "/login?returnUrl=%2Fnamespaces%2Fnet%2F4026531840%3Fx%3D1")]
    [InlineData("/_framework/blazor.web.js", "/login?returnUrl=%2F_framework%2Fblazor.web.js")]
    public async Task PagesRedirectToTheLoginPage(string url, string location)
    {
        using var response = await factory.Anonymous().GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task TheLoginPageAndTheIconNeedNoToken()
    {
        using var login = await factory.Anonymous().GetAsync("/login", Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal("text/html", login.Content.Headers.ContentType?.MediaType);
        var html = await login.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<form method=\"post\" action=\"/login\">", html);
        Assert.Contains("type=\"password\"", html);
        Assert.DoesNotContain(AccessFactory.Token, html);

        using var icon = await factory.Anonymous().GetAsync("/favicon.svg", Ct);
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
    }

    [Fact]
    public async Task LoginUrlSetsTheCookieAndRedirectsToAUrlWithoutTheToken()
    {
        var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var response = await http.GetAsync($"/login?t={AccessFactory.Token}&returnUrl=%2Fcontainers%3Ftype%3Dnet", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/containers?type=net", response.Headers.Location?.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("dashboard.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(AccessFactory.Token, cookie);

        // The cookie alone now opens the pages and the API.
        var browser = await factory.LoggedInAsync();
        using var page = await browser.GetAsync("/containers", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("_framework/blazor.web", await page.Content.ReadAsStringAsync(Ct));
        using var api = await browser.GetAsync("/api/status", Ct);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task LoginNeverRedirectsOffTheServer(string returnUrl)
    {
        using var response = await factory.Anonymous().GetAsync($"/login?t={AccessFactory.Token}&returnUrl={Uri.EscapeDataString(returnUrl)}", Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task WrongTokenInTheLoginUrlShowsTheFormAgainWithoutACookie()
    {
        using var response = await factory.Anonymous().GetAsync("/login?t=wrong-token-0123456789", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not this dashboard", await response.Content.ReadAsStringAsync(Ct));
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("dashboard.auth=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LoginFormPostsTheTokenWithItsAntiforgeryToken()
    {
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await FormFieldsAsync(browser, "/login?returnUrl=%2Ftopology");

        using (var wrong = await browser.PostAsync("/login", new FormUrlEncodedContent(form.Append(new("token", "wrong-token-0123456789"))), Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var noAntiforgery = await browser.PostAsync("/login", new FormUrlEncodedContent([new("token", AccessFactory.Token)]), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noAntiforgery.StatusCode);
            Assert.Contains("expired", await noAntiforgery.Content.ReadAsStringAsync(Ct));
        }

        form = await FormFieldsAsync(browser, "/login?returnUrl=%2Ftopology");
        using var right = await browser.PostAsync("/login", new FormUrlEncodedContent(form.Append(new("token", AccessFactory.Token))), Ct);
        Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
        Assert.Equal("/topology", right.Headers.Location?.OriginalString);
        using var api = await browser.GetAsync("/api/status", Ct);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task LogoutClearsTheCookieAndGoesToTheLoginPage()
    {
        var browser = await factory.LoggedInAsync();
        var form = await FormFieldsAsync(browser, "/logout");

        using (var forged = await browser.PostAsync("/logout", new FormUrlEncodedContent([]), Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var stillIn = await browser.GetAsync("/api/status", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        }

        using var logout = await browser.PostAsync("/logout", new FormUrlEncodedContent(form), Ct);
        Assert.Equal(HttpStatusCode.SeeOther, logout.StatusCode);
        Assert.Equal("/login", logout.Headers.Location?.OriginalString);
        using var after = await browser.GetAsync("/api/status", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task CookieWritesNeedTheAntiforgeryTokenBearerWritesDoNot()
    {
        var browser = await factory.LoggedInAsync();

        var problem = await SendProblemAsync(browser, new HttpRequestMessage(HttpMethod.Post, "/api/snapshots"), HttpStatusCode.BadRequest);
        Assert.Contains("X-XSRF-TOKEN", problem);
        await SendProblemAsync(browser, new HttpRequestMessage(HttpMethod.Delete, "/api/snapshots/1"), HttpStatusCode.BadRequest);
        await SendProblemAsync(browser, Post("/api/snapshots", "X-XSRF-TOKEN", "not-a-token"), HttpStatusCode.BadRequest);

        // What the app's AntiforgeryHandler does: fetch the token, send it in the header.
        var token = await browser.GetFromJsonAsync<AntiforgeryToken>("/api/antiforgery", Ct);
        Assert.Equal("X-XSRF-TOKEN", token!.HeaderName);
        using var taken = await browser.SendAsync(Post("/api/snapshots", token.HeaderName, token.RequestToken), Ct);
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        var created = await taken.Content.ReadFromJsonAsync<SnapshotCreated>(DashboardJson.Options, Ct);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/snapshots/{created!.Snapshot.Id}") { Headers = { { token.HeaderName, token.RequestToken } } };
        using var deleted = await browser.SendAsync(delete, Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        // A token of another browser (another antiforgery cookie) does not fit this one.
        var other = await factory.LoggedInAsync();
        var othersToken = await other.GetFromJsonAsync<AntiforgeryToken>("/api/antiforgery", Ct);
        await SendProblemAsync(browser, Post("/api/snapshots", othersToken!.HeaderName, othersToken.RequestToken), HttpStatusCode.BadRequest);

        using var script = await factory.Bearer().PostAsync("/api/snapshots", null, Ct);
        Assert.Equal(HttpStatusCode.Created, script.StatusCode);
    }

    [Fact]
    public async Task HubNegotiateTakesBearerOrAccessTokenQueryOrCookie()
    {
        const string negotiate = "/hubs/dashboard/negotiate?negotiateVersion=1";
        using (var none = await factory.Anonymous().PostAsync(negotiate, null, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        }

        using (var wrong = await factory.Anonymous().PostAsync(negotiate + "&access_token=wrong-token-0123456789", null, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var bearer = await factory.Bearer().PostAsync(negotiate, null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
            Assert.Contains("connectionToken", await bearer.Content.ReadAsStringAsync(Ct));
        }

        using (var query = await factory.Anonymous().PostAsync(negotiate + "&access_token=" + AccessFactory.Token, null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        }

        // The browser's own connection: the cookie, and no antiforgery token (the hub is read-only).
        using var cookie = await (await factory.LoggedInAsync()).PostAsync(negotiate, null, Ct);
        Assert.Equal(HttpStatusCode.OK, cookie.StatusCode);
    }

    [Theory]
    [InlineData("/api/status")]
    [InlineData("/hubs/dashboard/negotiate?negotiateVersion=1")]
    [InlineData("/login")]
    public async Task OtherOriginsAreRefusedEvenWithTheToken(string url)
    {
        foreach (var origin in new[] { "http://evil.example", "null", "http://localhost:1", "http://localhost.evil.example" })
        {
            using var request = new HttpRequestMessage(url.Contains("negotiate") || url == "/login" ? HttpMethod.Post : HttpMethod.Get, url)
            {
                Headers = { { "Origin", origin } },
            };
            var problem = await SendProblemAsync(factory.Bearer(), request, HttpStatusCode.Forbidden);
            Assert.Contains("own pages", problem);
        }
    }

    [Fact]
    public async Task OtherSitesCannotEmbedTheApiWithoutAnOriginEither()
    {
        // <script src> or <img src> from another site: no Origin header, but the browser says where it comes from.
        using var embedded = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { "Sec-Fetch-Site", "cross-site" }, { "Sec-Fetch-Mode", "no-cors" } } };
        await SendProblemAsync(factory.Bearer(), embedded, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task OurOwnPagesOriginNullIsServed()
    {
        // Under Referrer-Policy: no-referrer the browser sends Origin: null for our own POSTs, and says same-origin.
        var browser = await factory.LoggedInAsync();
        var token = await browser.GetFromJsonAsync<AntiforgeryToken>("/api/antiforgery", Ct);
        using var post = Post("/api/snapshots", token!.HeaderName, token.RequestToken);
        post.Headers.Add("Origin", "null");
        post.Headers.Add("Sec-Fetch-Site", "same-origin");
        using var response = await browser.SendAsync(post, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task TheDashboardsOwnOriginIsServed()
    {
        // WebApplicationFactory's requests carry Host: localhost.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { "Origin", "http://localhost" } } };
        using var response = await factory.Bearer().SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("rebind.evil.example:80")]
    [InlineData("localhost.evil.example")]
    public async Task UnknownHostIs400(string host)
    {
        // TestServer takes the Host header from the request's URI.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/api/status");
        var problem = await SendProblemAsync(factory.Bearer(), request, HttpStatusCode.BadRequest);
        Assert.Contains("Dashboard:AllowedHosts", problem);

        using var page = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/login");
        using var refused = await factory.Anonymous().SendAsync(page, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1:5080")]
    [InlineData("[::1]:5080")]
    [InlineData("192.168.1.20:8080")]
    [InlineData("LOCALHOST")]
    [InlineData("localhost.:5080")]
    public async Task AddressesAndLocalhostAreKnownHosts(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/api/status");
        using var response = await factory.Bearer().SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HealthzAnswersWithoutTokenAndSaysNothingElse()
    {
        using var response = await factory.Anonymous().GetAsync("/healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task SecurityHeadersOnThePageTheApiAndTheLoginPage()
    {
        var browser = await factory.LoggedInAsync();
        using var page = await browser.GetAsync("/containers", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);
        var csp = AssertSecurityHeaders(page);

        Assert.Contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-", csp);
        Assert.DoesNotContain("'unsafe-eval'", csp);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("connect-src 'self' ws://localhost wss://localhost", csp);

        // The page's only inline script is the import map, allowed by its hash and nothing else.
        var inline = InlineScripts().Matches(html).Select(m => m.Groups["body"].Value).ToList();
        var importMap = Assert.Single(inline);
        Assert.Contains("\"imports\"", importMap);
        Assert.Contains($"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap)))}'", csp);

        AssertSecurityHeaders(await browser.GetAsync("/api/status", Ct));
        AssertSecurityHeaders(await factory.Anonymous().GetAsync("/api/status", Ct));
        AssertSecurityHeaders(await factory.Anonymous().GetAsync("/login", Ct));
        using var api = await browser.GetAsync("/api/containers", Ct);
        Assert.Equal("no-store", api.Headers.CacheControl?.ToString());
    }

    private static string AssertSecurityHeaders(HttpResponseMessage response)
    {
        using (response)
        {
            var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("default-src 'self'", csp);
            return csp;
        }
    }

    private static HttpRequestMessage Post(string url, string header, string value) =>
        new(HttpMethod.Post, url) { Headers = { { header, value } } };

    private static async Task<string> SendProblemAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode expected)
    {
        using (request)
        using (var response = await http.SendAsync(request, Ct))
        {
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(expected == response.StatusCode, $"{request.Method} {request.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return body;
        }
    }

    /// <summary>The hidden fields of the form on <paramref name="url"/> (antiforgery token, return URL).</summary>
    internal static async Task<List<KeyValuePair<string, string>>> FormFieldsAsync(HttpClient browser, string url)
    {
        var html = await browser.GetStringAsync(url, Ct);
        return HiddenFields().Matches(html).Select(m => new KeyValuePair<string, string>(m.Groups["name"].Value, WebUtility.HtmlDecode(m.Groups["value"].Value))).ToList();
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenFields();

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>(?<body>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScripts();
}
