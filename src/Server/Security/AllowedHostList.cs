using System.Net;
using Dashboard.Server.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Security;

/// <summary>
/// The <c>Host</c> headers the dashboard answers to. A page on an attacker's domain whose DNS name is made to point at
/// 127.0.0.1 (DNS rebinding) is same-origin with its own domain, so neither the origin check nor CORS stop it; only the
/// Host header it sends gives it away. IP addresses cannot be rebound and are always allowed, as are <c>localhost</c>,
/// the names the server listens on, and <c>Dashboard:AllowedHosts</c>.
/// </summary>
internal sealed class AllowedHostList
{
    private readonly Entries _configured;
    private readonly IServer _server;
    private readonly IHostApplicationLifetime _lifetime;
    private HashSet<string>? _listenNames;

    public AllowedHostList(IOptions<DashboardOptions> options, IServer server, IHostApplicationLifetime lifetime)
    {
        _configured = Parse(options.Value.AllowedHosts, errors: []);
        _server = server;
        _lifetime = lifetime;
    }

    /// <summary>The configured entries: exact names, <c>*.suffix</c> wildcards, or <c>*</c> for every host.</summary>
    internal sealed record Entries(bool Any, HashSet<string> Names, string[] Suffixes);

    /// <summary>The setting split on <c>;</c> or <c>,</c>; entries that are not host names go to <paramref name="errors"/>.</summary>
    public static Entries Parse(string? setting, List<string> errors)
    {
        var any = false;
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var suffixes = new List<string>();
        foreach (var raw in (setting ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw == "*")
            {
                any = true;
            }
            else if (raw.StartsWith("*.", StringComparison.Ordinal) && IsHostName(raw[2..]))
            {
                suffixes.Add(Normalize(raw[1..]));
            }
            else if (IsHostName(raw))
            {
                names.Add(Normalize(raw));
            }
            else
            {
                errors.Add($"Dashboard:AllowedHosts entry '{raw}' is not a host name; give names only, without scheme, port or path (e.g. dash.example.com;*.lan).");
            }
        }

        return new Entries(any, names, [.. suffixes]);
    }

    /// <summary>Whether a request with this host (from the Host header, without the port) is served.</summary>
    public bool Allows(string host)
    {
        if (_configured.Any || host.Length == 0)
        {
            // No Host header at all is an HTTP/1.0 client, not a browser.
            return true;
        }

        var name = Normalize(host);
        if (IPAddress.TryParse(name.Trim('[', ']'), out _) || name == "localhost" || IsConfigured(name))
        {
            return true;
        }

        return ListenNames().Contains(name);
    }

    /// <summary>Named in Dashboard:AllowedHosts: a public name a proxy forwards to us, whose pages are ours too.</summary>
    public bool IsConfigured(string host)
    {
        var name = Normalize(host);
        return _configured.Any || _configured.Names.Contains(name) || _configured.Suffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal));
    }

    private HashSet<string> ListenNames()
    {
        if (_listenNames is { } known)
        {
            return known;
        }

        // The addresses are complete once the server has started; until then only the fixed rules apply.
        var names = ListenAddresses.Of(_server).Select(ListenAddresses.HostName).OfType<string>().Select(Normalize).ToHashSet(StringComparer.Ordinal);
        if (_lifetime.ApplicationStarted.IsCancellationRequested)
        {
            _listenNames = names;
        }

        return names;
    }

    private static string Normalize(string host) => host.TrimEnd('.').ToLowerInvariant();

    private static bool IsHostName(string text) =>
        text.Length is > 0 and <= 253 && Uri.CheckHostName(text) == UriHostNameType.Dns && !text.Contains('*');
}
