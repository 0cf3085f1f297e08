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
        // Sent at once: the limit is taken as a request arrives, so a slow answer on a busy machine changes nothing.
        var statuses = await BurstAsync(http, "/api/status", _ => "192.0.2.20", 3 * SmallRateLimitFactory.Burst, response =>
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("1", response.Headers.RetryAfter?.ToString());
            return Task.CompletedTask;
        });

        // The burst passes whole; the rest did not wait for a refill.
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= SmallRateLimitFactory.Burst, string.Join(", ", statuses));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));

        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { AccessFactory.ClientHeader, "192.0.2.21" } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(other, Ct)).StatusCode);

        // The health check and the app's files are not counted.
        using var health = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Headers = { { AccessFactory.ClientHeader, "192.0.2.20" } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(health, Ct)).StatusCode);
    }

    [Fact]
    public async Task TheLimitIsProblemJsonWithWhatToDo()
    {
        var bodies = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await BurstAsync(factory.Bearer(), "/api/namespaces", _ => "192.0.2.30", 3 * SmallRateLimitFactory.Burst, async response =>
            bodies.Enqueue(await response.Content.ReadAsStringAsync(Ct)));

        var body = Assert.IsType<string>(bodies.FirstOrDefault(), exactMatch: false);
        Assert.Contains("\"status\":429", body);
        Assert.Contains("wait a second", body);
    }

    [Fact]
    public async Task AnIPv6ClientIsLimitedByItsSlash64()
    {
        // Every request from another address of the same /64, as a machine with a /64 of its own could send them.
        var statuses = await BurstAsync(factory.Bearer(), "/api/status", i => $"2001:db8:20:1::{i + 1:x}", 3 * SmallRateLimitFactory.Burst, _ => Task.CompletedTask);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);

        using var otherNetwork = new HttpRequestMessage(HttpMethod.Get, "/api/status") { Headers = { { AccessFactory.ClientHeader, "2001:db8:20:2::1" } } };
        Assert.Equal(HttpStatusCode.OK, (await factory.Bearer().SendAsync(otherNetwork, Ct)).StatusCode);
    }

    /// <summary>Sends <paramref name="count"/> requests at once, the i-th from <paramref name="client"/>(i); <paramref name="onLimited"/> sees each 429.</summary>
    private static async Task<HttpStatusCode[]> BurstAsync(
        HttpClient http, string path, Func<int, string> client, int count, Func<HttpResponseMessage, Task> onLimited) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { AccessFactory.ClientHeader, client(i) } } };
            using var response = await http.SendAsync(request, Ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await onLimited(response);
            }

            return response.StatusCode;
        }));
}
