using System.Net;

namespace Dashboard.IntegrationTests.Access;

public sealed class BehindProxyFactory : AccessFactory
{
    public const int Burst = 5;

    public BehindProxyFactory()
    {
        Settings["Dashboard:ForwardedHeaders"] = "192.0.2.100; 198.51.100.0/24";
        Settings["Dashboard:RateLimit:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Dashboard:RateLimit:RequestsPerSecond"] = "1";
    }
}

/// <summary>
/// X-Forwarded-For and -Proto count from the proxies of Dashboard:ForwardedHeaders only (the test host makes a request
/// come from the address in <see cref="AccessFactory.ClientHeader"/>, as a proxy's would).
/// </summary>
public sealed class ForwardedHeadersTests(BehindProxyFactory factory) : IClassFixture<BehindProxyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("192.0.2.100", true)]
    [InlineData("198.51.100.9", true)]
    [InlineData("192.0.2.101", false)]
    [InlineData("::ffff:192.0.2.101", false)]
    public async Task TheLoginCookieIsSecureWhenATrustedProxySaysHttps(string from, bool secure)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/login?t={AccessFactory.Token}")
        {
            Headers = { { AccessFactory.ClientHeader, from }, { "X-Forwarded-Proto", "https" }, { "X-Forwarded-For", "203.0.113.5" } },
        };
        using var response = await factory.Anonymous().SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("dashboard.auth=", StringComparison.Ordinal));
        Assert.Equal(secure, cookie.Contains("; secure", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ThroughATrustedProxyTheLimitCountsTheForwardedClient()
    {
        var spent = await BurstAsync("198.51.100.7", "203.0.113.1");
        Assert.Contains(HttpStatusCode.TooManyRequests, spent);
        // Another client behind the same proxy has its own bucket.
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, await BurstAsync("198.51.100.7", "203.0.113.2", BehindProxyFactory.Burst - 1));
    }

    [Fact]
    public async Task FromAnUntrustedAddressTheForwardedHeadersAreIgnored()
    {
        // A different X-Forwarded-For on every request buys nothing: the bucket is the sender's own.
        var statuses = await BurstAsync("192.0.2.103", null);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    /// <summary>Requests sent at once from <paramref name="from"/>, forwarded for <paramref name="client"/> (or a new one each when null).</summary>
    private async Task<HttpStatusCode[]> BurstAsync(string from, string? client, int count = 3 * BehindProxyFactory.Burst) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status")
            {
                Headers = { { AccessFactory.ClientHeader, from }, { "X-Forwarded-For", client ?? $"203.0.113.{100 + i}" } },
            };
            using var response = await factory.Bearer().SendAsync(request, Ct);
            return response.StatusCode;
        }));
}
