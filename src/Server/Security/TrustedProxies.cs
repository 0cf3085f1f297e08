using System.Net;
using Dashboard.Server.Configuration;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Security;

/// <summary>
/// Behind a TLS reverse proxy the server sees the proxy's address and plain http. <c>Dashboard:ForwardedHeaders</c>
/// names the proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed, so that the cookies get
/// <c>Secure</c> and the limits count the real client; from anyone else those headers are ignored.
/// <c>X-Forwarded-Host</c> is never taken: a page under DNS rebinding can set it, and a proxy that passes it on would
/// then carry it past the Host check. The proxy keeps the client's Host (or its name goes into AllowedHosts).
/// </summary>
internal static class TrustedProxies
{
    /// <summary>Addresses and CIDR ranges separated by <c>;</c> or <c>,</c>; entries that are neither go to <paramref name="errors"/>.</summary>
    public static (List<IPAddress> Proxies, List<System.Net.IPNetwork> Networks) Parse(string? setting, List<string> errors)
    {
        var proxies = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in (setting ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!entry.Contains('/') && IPAddress.TryParse(entry, out var address))
            {
                proxies.Add(address);
            }
            else if (entry.Contains('/') && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else
            {
                errors.Add($"Dashboard:ForwardedHeaders entry '{entry}' is not an IP address or a CIDR range (e.g. 172.18.0.1 or 10.0.0.0/8).");
            }
        }

        return (proxies, networks);
    }

    /// <summary>First in the pipeline, so that everything after it sees the client's address and scheme.</summary>
    public static IApplicationBuilder UseTrustedProxyHeaders(this IApplicationBuilder app)
    {
        var (proxies, networks) = Parse(app.ApplicationServices.GetRequiredService<IOptions<DashboardOptions>>().Value.ForwardedHeaders, errors: []);
        if (proxies.Count == 0 && networks.Count == 0)
        {
            // The middleware with no known proxy would believe everyone.
            return app;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // Walks back through X-Forwarded-For while the hop is a listed proxy, and stops at the first that is not.
            ForwardLimit = null,
        };
        // Loopback is trusted by default; only what the setting lists is.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        proxies.ForEach(options.KnownProxies.Add);
        networks.ForEach(options.KnownIPNetworks.Add);
        return app.UseForwardedHeaders(options);
    }
}
