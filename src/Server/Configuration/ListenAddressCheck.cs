using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dashboard.Server.Configuration;

/// <summary>
/// The dashboard sees the whole host. Until access tokens exist, listening beyond loopback is logged as a warning at
/// start (and <see cref="LoopbackOnly"/> refuses remote clients).
/// </summary>
internal static partial class ListenAddressCheck
{
    public static void WarnWhenExposed(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var exposed = addresses.Where(a => !IsLoopback(a)).ToList();
            if (exposed.Count > 0)
            {
                LogExposed(app.Logger, string.Join(", ", exposed));
            }
        });
    }

    internal static bool IsLoopback(string address)
    {
        if (!Uri.TryCreate(address.Replace("://+", "://any").Replace("://*", "://any"), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening beyond loopback on {Addresses}. There is no access token yet, so clients that are not on this machine are refused unless Dashboard:AllowUnauthenticatedRemote is set.")]
    private static partial void LogExposed(ILogger logger, string addresses);
}
