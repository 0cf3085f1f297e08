using System.Net;

namespace Dashboard.IntegrationTests.Access;

public sealed class SmallRateLimitFactory : AccessFactory
{
    public const int Burst = 5;

    public SmallRateLimitFactory()
    {
        Settings["Dashboard:RateLimit:Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Dashboard:RateLimit:RequestsPerSecond"] = "1";
    }
}

/// <summary>The API's rate limit, per client, made small for the test.</summary>
public sealed class RateLimitTests(SmallRateLimitFactory factory) : IClassFixture<SmallRateLimitFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABurstAboveTheLimitGets429ProblemsOtherClientsDoNot()
    {
        var http = factory.Bearer();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3 * SmallRateLimitFactory.Burst; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { AccessFactory.ClientHeader, "192.0.2.20" } } };
            using var response = await http.SendAsync(request, Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            }
        }

        // The burst passes whole; then at most one more per second that the loop took.
        Assert.All(statuses.Take(SmallRateLimitFactory.Burst), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { AccessFactory.ClientHeader, "192.0.2.21" } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(other, Ct)).StatusCode);

        // The health check and the app's files are not counted.
        using var health = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { { AccessFactory.ClientHeader, "192.0.2.20" } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(health, Ct)).StatusCode);
    }

    [Fact]
    public async Task TheLimitIsProblemJsonWithWhatToDo()
    {
        var http = factory.Bearer();
        for (var i = 0; i < 3 * SmallRateLimitFactory.Burst; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/namespaces") { Headers = { { AccessFactory.ClientHeader, "192.0.2.30" } } };
            using var response = await http.SendAsync(request, Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var body = await response.Content.ReadAsStringAsync(Ct);
                Assert.Contains("\"status\":429", body);
                Assert.Contains("wait a second", body);
                return;
            }
        }

        Assert.Fail("no 429 after three bursts");
    }
}
