using System.Threading.RateLimiting;
using Dashboard.Server.Configuration;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Security;

/// <summary>How much one request, and one client, may ask of the server.</summary>
internal static class RequestLimits
{
    /// <summary>
    /// Nothing the dashboard accepts has a body bigger than the login form, and nothing needs long URLs or many headers:
    /// small limits make a flood of big requests cheap to refuse.
    /// </summary>
    public static void ConfigureKestrelLimits(this IWebHostBuilder webHost) => webHost.ConfigureKestrel(o =>
    {
        o.AddServerHeader = false;
        o.Limits.MaxRequestBodySize = 64 * 1024;
        o.Limits.MaxRequestLineSize = 8 * 1024;
        o.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
        o.Limits.MaxRequestHeaderCount = 64;
        o.Limits.Http2.MaxRequestHeaderFieldSize = 8 * 1024;
    });

    /// <summary>
    /// A token bucket per client address on the API, the hub and the login page (static files are left alone: the
    /// first load of the app fetches a few hundred). Dashboard:RateLimit sets its size; the defaults are far above
    /// what the pages use.
    /// </summary>
    public static IServiceCollection AddDashboardRateLimiter(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<DashboardOptions>>((o, dashboard) =>
        {
            var limit = dashboard.Value.RateLimit;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = new TokenBucketLimiter<HttpContext>(
                new TokenBuckets<string>(limit.Burst, limit.RequestsPerSecond, TimeProvider.System),
                context => IsLimited(context.Request) ? ClientKeys.Of(context.Connection.RemoteIpAddress) : null);
            o.OnRejected = async (rejected, _) =>
            {
                var response = rejected.HttpContext.Response;
                response.Headers.RetryAfter = "1";
                await TypedResults.Problem(
                    title: "Too many requests",
                    detail: $"This client made more than {limit.Burst} requests in a burst or {limit.RequestsPerSecond} per second; wait a second and try again.",
                    statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }

    private static bool IsLimited(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs") || request.Path.StartsWithSegments("/openapi")
        || request.Path.StartsWithSegments("/login") || request.Path.StartsWithSegments("/logout");
}
