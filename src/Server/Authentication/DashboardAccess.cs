using Dashboard.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Authentication;

/// <summary>
/// Whether a token is required and which one. Decided once, when the server has bound its addresses: a configured
/// token always applies; without one, the server makes up a token at every start and prints a login URL with it (as
/// Jupyter and the Aspire dashboard do). It runs open only when told to (<see cref="DashboardOptions.OpenOnLoopback"/>)
/// and only while every address is loopback; otherwise it refuses to start.
/// Until then nothing is open and no token matches, so a request that arrives early is refused, never let through.
/// </summary>
internal sealed partial class DashboardAccess(IOptions<DashboardOptions> options, ILogger<DashboardAccess> logger)
{
    private volatile Decision? _decision;

    private sealed record Decision(bool Open, byte[]? TokenHash);

    /// <summary>True when no token is required (<see cref="DashboardOptions.OpenOnLoopback"/>, loopback only).</summary>
    public bool IsOpen => _decision?.Open == true;

    /// <summary>True when a token is required; false while open and before start.</summary>
    public bool RequiresToken => _decision is { Open: false };

    public bool Matches(string? candidate) => _decision?.TokenHash is { } hash && AccessTokens.Matches(candidate, hash);

    /// <summary>Why the server must not go on (open on an address beyond loopback); null when it may.</summary>
    public string? Refusal { get; private set; }

    /// <summary>
    /// Called once the server listens on <paramref name="addresses"/> (none for an in-process host); logs what it decided.
    /// Told to run open on an address beyond loopback, it decides nothing, so that every request stays refused, and
    /// sets <see cref="Refusal"/> for the caller to stop the server.
    /// </summary>
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
        else if (options.Value.OpenOnLoopback)
        {
            if (exposed.Count > 0)
            {
                Refusal = $"Dashboard:OpenOnLoopback=true, but the server listens beyond loopback on {string.Join(", ", exposed)}, where it would be open to other machines. "
                    + "Listen on loopback only (e.g. --urls http://127.0.0.1:5080), or remove Dashboard:OpenOnLoopback to require a token.";
                LogRefused(logger, Refusal);
                return;
            }

            _decision = new Decision(true, null);
            LogOpen(logger, addresses.Count == 0 ? "an in-process host without sockets" : string.Join(", ", addresses));
        }
        else
        {
            var token = AccessTokens.Generate();
            _decision = new Decision(false, AccessTokens.Hash(token));
            LogTokenGenerated(logger, addresses.Count == 0 ? "an in-process host without sockets" : string.Join(", ", addresses));
            if (addresses.FirstOrDefault() is { } first)
            {
                PrintLoginLine(LoginLine(first, token));
            }
        }
    }

    /// <summary>
    /// The line printed at start: plain text on standard output, so that a terminal shows the URL alone and clickable,
    /// and the token stays out of log files (the log entry says where to look instead).
    /// </summary>
    internal static string LoginLine(string address, string token) => ListenAddresses.IsLoopback(address)
        ? $"Log in to the dashboard at {LoginUrl(address, token)}"
        : $"Log in to the dashboard at {LoginUrl(address, token)} (from another machine, put in the host and port you reach it at)";

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

    private static void PrintLoginLine(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Access token required ({Source}): log in at /login or send 'Authorization: Bearer <token>'.")]
    private static partial void LogTokenRequired(ILogger logger, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "No access token configured: generated one for this run (listening on {Addresses}); the login URL with it is printed on standard output. Set Dashboard:AccessToken or Dashboard:AccessTokenFile to keep one across restarts.")]
    private static partial void LogTokenGenerated(ILogger logger, string addresses);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Not starting: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dashboard:OpenOnLoopback=true: the dashboard is open, without a token, to every user and program on this machine (it listens on {Addresses} only).")]
    private static partial void LogOpen(ILogger logger, string addresses);
}
