using System.Globalization;
using Dashboard.Server.Configuration;
using Dashboard.Server.Security;
using Dashboard.Shared.Live;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Authentication;

/// <summary>
/// A budget of wrong tokens per client (<see cref="ClientKeys"/>): every wrong bearer token, hub <c>access_token</c>,
/// login form or <c>/login?t=</c> spends one, on whatever path it was sent. Once spent, every request from that client
/// that carries a token is refused before the token is looked at, the right one too: the answer then says nothing about
/// the token, so guessing costs a refill per guess on every path. Requests without a token (the cookie) go on.
/// </summary>
internal sealed partial class FailedCredentials
{
    private readonly TokenBuckets<string> _budget;
    private readonly ILogger<FailedCredentials> _logger;

    public FailedCredentials(IOptions<DashboardOptions> options, ILogger<FailedCredentials> logger)
    {
        var limit = options.Value.RateLimit;
        var (period, tokens) = Refill(limit.FailuresPerMinute);
        RetryAfter = period;
        _logger = logger;
        _budget = new TokenBuckets<string>(limit.FailureBurst, tokens / period.TotalSeconds, TimeProvider.System);
    }

    /// <summary>How long until a spent budget gives one more try.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>
    /// A slow refill arrives one failure at a time; above one a second it comes each second (the buckets refill
    /// continuously at that rate; the period is what <see cref="RetryAfter"/> says).
    /// </summary>
    internal static (TimeSpan Period, int Tokens) Refill(int perMinute) => perMinute <= 60
        ? (TimeSpan.FromSeconds(60.0 / perMinute), 1)
        : (TimeSpan.FromSeconds(1), (perMinute + 59) / 60);

    /// <summary>Whether the request carries something that is checked against the access token.</summary>
    public static bool CarriesCredentials(HttpRequest request) =>
        AccessTokenHandler.ReadToken(request) is not null
        || (request.Path.StartsWithSegments("/login") && (HttpMethods.IsPost(request.Method) || request.Query.ContainsKey("t")))
        || (request.Path.StartsWithSegments(DashboardHubContract.Path) && request.Query.ContainsKey("access_token"));

    /// <summary>
    /// Whole tokens only: the bucket refills in fractions between periods, and asking for zero permits would already
    /// succeed on a fraction.
    /// </summary>
    public bool IsSpent(HttpContext context) => _budget.Available(Key(context)) < 1;

    /// <summary>Counts one wrong token against the request's client.</summary>
    public void Charge(HttpContext context)
    {
        var key = Key(context);
        _budget.TryTake(key);
        if (IsSpent(context))
        {
            LogSpent(_logger, key, (int)Math.Ceiling(RetryAfter.TotalSeconds));
        }
    }

    public Task RefuseAsync(HttpContext context)
    {
        var seconds = (int)Math.Ceiling(RetryAfter.TotalSeconds);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            title: "Too many wrong access tokens",
            detail: $"This client sent too many wrong tokens. Requests that carry a token are refused for now, whatever the token; try again in {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(context);
    }

    private static string Key(HttpContext context) => ClientKeys.Of(context.Connection.RemoteIpAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {Client} sent too many wrong access tokens; its requests with a token are refused until its budget refills (one more every {Seconds} s).")]
    private static partial void LogSpent(ILogger logger, string client, int seconds);
}

internal static class FailedCredentialsExtensions
{
    /// <summary>Before authentication, so that a spent client learns nothing from the token it sends.</summary>
    public static IApplicationBuilder UseFailedCredentialsLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var failures = context.RequestServices.GetRequiredService<FailedCredentials>();
        if (FailedCredentials.CarriesCredentials(context.Request) && failures.IsSpent(context))
        {
            await failures.RefuseAsync(context);
            return;
        }

        await next(context);
    });
}
