using Microsoft.Extensions.Primitives;

namespace Dashboard.Server.Security;

/// <summary>
/// Checks every request before anything else looks at it: an unknown Host is refused (DNS rebinding), and so is a browser
/// request made by a page of another origin. The second matters most for WebSockets, which CORS does not cover, and for
/// the loopback server that runs open, where nothing else would stop another site's page from calling the API.
/// </summary>
internal static class RequestChecks
{
    /// <summary>Set on requests whose Host passed, so that later code may repeat the host in a header.</summary>
    public const string HostCheckedItem = "dashboard.host-checked";

    public static IApplicationBuilder UseHostAndOriginChecks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var hosts = context.RequestServices.GetRequiredService<AllowedHostList>();
        var host = context.Request.Host.Host;
        if (!hosts.Allows(host))
        {
            await TypedResults.Problem(
                title: "Unknown host",
                detail: $"This dashboard does not answer to the host name '{host}'. Reach it by IP address or localhost, or add the name to Dashboard:AllowedHosts.",
                statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
            return;
        }

        context.Items[HostCheckedItem] = true;
        var origin = context.Request.Headers.Origin;
        if (!StringValues.IsNullOrEmpty(origin) && !IsAllowedOrigin(origin.ToString(), context.Request, hosts))
        {
            await TypedResults.Problem(
                title: "Cross-origin request refused",
                detail: "Only the dashboard's own pages may call it from a browser. Scripts send no Origin header; behind a proxy, add its public name to Dashboard:AllowedHosts.",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    /// <summary>
    /// Same host and port as the Host header, or a host of Dashboard:AllowedHosts. A Host without a port means the
    /// browser used its scheme's default port, and the origin must too; its scheme is not compared, because a TLS proxy
    /// in front makes an https page of ours call us over http.
    /// </summary>
    internal static bool IsAllowedOrigin(string origin, HttpRequest request, AllowedHostList hosts)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
        {
            return false; // "null" (sandboxed frames, file: pages) and anything else that is not an origin
        }

        if (hosts.IsConfigured(uri.Host))
        {
            return true;
        }

        var host = request.Host;
        return string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase) && (host.Port is { } port ? port == uri.Port : uri.IsDefaultPort);
    }
}
