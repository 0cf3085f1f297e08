using System.Net;

namespace Dashboard.Server.Configuration;

/// <summary>
/// Until access tokens exist, only clients on this machine may read the dashboard: it shows every process and
/// namespace of the host. A deployment that publishes the port on the host's loopback only (the compose file)
/// opts out with <c>Dashboard:AllowUnauthenticatedRemote</c>.
/// </summary>
internal static class LoopbackOnly
{
    public static IApplicationBuilder UseLoopbackOnlyUnlessAllowed(this IApplicationBuilder app, bool allowRemote)
    {
        if (allowRemote)
        {
            return app;
        }

        return app.Use(async (context, next) =>
        {
            if (IsLocal(context.Connection.RemoteIpAddress))
            {
                await next(context);
                return;
            }

            await Results.Problem(
                title: "Only local clients are served",
                detail: "This dashboard answers only clients on its own machine until an access token is configured. "
                    + "Reach it through 127.0.0.1, or set Dashboard:AllowUnauthenticatedRemote when a proxy on this machine already restricts access.",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
        });
    }

    /// <summary>Loopback, or no address at all (an in-process test host has no socket).</summary>
    internal static bool IsLocal(IPAddress? remote) =>
        remote is null || IPAddress.IsLoopback(remote) || (remote.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(remote.MapToIPv4()));
}
