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
        if ((!StringValues.IsNullOrEmpty(origin) && !IsAllowedOrigin(origin.ToString(), context.Request, hosts)) || IsOtherSitesSubresource(context.Request))
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
    /// A request for the API or the hub that another site's page makes without an Origin header (an img or script
    /// element, which no CORS check covers). A link followed to it from elsewhere is a navigation and still served.
    /// </summary>
    internal static bool IsOtherSitesSubresource(HttpRequest request) =>
        Authentication.AccessProblems.IsApi(request)
        && request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site"
        && request.Headers["Sec-Fetch-Mode"] != "navigate";

    /// <summary>
    /// Same host and port as the Host header, or a host of Dashboard:AllowedHosts. A Host without a port means the
    /// browser used its scheme's default port, and the origin must too; its scheme is not compared, because a TLS proxy
    /// in front makes an https page of ours call us over http.
    /// </summary>
    internal static bool IsAllowedOrigin(string origin, HttpRequest request, AllowedHostList hosts)
    {
        if (origin == "null")
        {
            // Our own pages send "null" too: under Referrer-Policy: no-referrer a browser hides the origin of a form
            // post and of a same-origin fetch that is not a GET. Sec-Fetch-Site, which no page can set, tells them apart
            // from sandboxed frames and file: pages.
            return request.Headers["Sec-Fetch-Site"] == "same-origin";
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
        {
            return false;
        }

        if (hosts.IsConfigured(uri.Host))
        {
            return true;
        }

        var host = request.Host;
        return string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase) && (host.Port is { } port ? port == uri.Port : uri.IsDefaultPort);
    }
}
