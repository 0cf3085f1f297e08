using Dashboard.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Authentication;

/// <summary>
/// Whether a token is required and which one. Decided once, when the server has bound its addresses: a configured
/// token always applies; without one, a server reachable beyond loopback makes up a token and prints a login URL
/// (as Jupyter and the Aspire dashboard do), and one reachable only from this machine runs open.
/// Until then nothing is open and no token matches, so a request that arrives early is refused, never let through.
/// </summary>
internal sealed partial class DashboardAccess(IOptions<DashboardOptions> options, ILogger<DashboardAccess> logger)
{
    private volatile Decision? _decision;

    private sealed record Decision(bool Open, byte[]? TokenHash);

    /// <summary>True when no token is required (no token configured, listening on loopback only).</summary>
    public bool IsOpen => _decision?.Open == true;

    /// <summary>True when a token is required; false while open and before start.</summary>
    public bool RequiresToken => _decision is { Open: false };

    public bool Matches(string? candidate) => _decision?.TokenHash is { } hash && AccessTokens.Matches(candidate, hash);

    /// <summary>Called once the server listens on <paramref name="addresses"/>; logs what it decided.</summary>
    public void Decide(IReadOnlyCollection<string> addresses)
    {
        var errors = new List<string>();
        var configured = AccessTokens.ReadConfigured(options.Value, errors);
        if (errors.Count > 0)
        {
            // The options validator refused these at start already; should the file have changed since, stay closed.
            throw new InvalidOperationException(string.Join(" ", errors));
        }

        var exposed = addresses.Where(a => !ListenAddresses.IsLoopback(a)).ToList();
        if (configured is not null)
        {
            _decision = new Decision(false, AccessTokens.Hash(configured));
            LogTokenRequired(logger, string.IsNullOrEmpty(options.Value.AccessToken) ? "Dashboard:AccessTokenFile" : "Dashboard:AccessToken");
        }
        else if (exposed.Count > 0)
        {
            var token = AccessTokens.Generate();
            _decision = new Decision(false, AccessTokens.Hash(token));
            LogTokenGenerated(logger, string.Join(", ", exposed));
            foreach (var address in addresses)
            {
                LogLoginUrl(logger, LoginUrl(address, token));
            }
        }
        else
        {
            _decision = new Decision(true, null);
            LogOpen(logger, addresses.Count == 0 ? "an in-process host without sockets" : string.Join(", ", addresses));
        }
    }

    /// <summary>A wildcard address becomes localhost: the URL must be one a browser can open, if only on this machine.</summary>
    internal static string LoginUrl(string address, string token)
    {
        var baseUrl = address.TrimEnd('/')
            .Replace("://0.0.0.0", "://localhost")
            .Replace("://[::]", "://localhost")
            .Replace("://+", "://localhost")
            .Replace("://*", "://localhost");
        return $"{baseUrl}/login?t={token}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Access token required ({Source}): log in at /login or send 'Authorization: Bearer <token>'.")]
    private static partial void LogTokenRequired(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening beyond loopback on {Addresses} and no access token is configured: generated one for this run. Set Dashboard:AccessToken or Dashboard:AccessTokenFile to keep one across restarts.")]
    private static partial void LogTokenGenerated(ILogger logger, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log in to the dashboard at {LoginUrl} (put in the host and port you reach it at)")]
    private static partial void LogLoginUrl(ILogger logger, string loginUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No access token: the dashboard is open to every user and program on this machine (it listens on {Addresses} only). Set Dashboard:AccessToken to require one.")]
    private static partial void LogOpen(ILogger logger, string addresses);
}
