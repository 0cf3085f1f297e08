using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Dashboard.Server.Configuration;

/// <summary>What the addresses the server listens on say about who can reach it.</summary>
internal static class ListenAddresses
{
    /// <summary>The addresses Kestrel bound (after start); none for an in-process test server, which has no socket.</summary>
    public static IReadOnlyCollection<string> Of(IServer server) =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>Only clients on this machine can connect: a loopback address, <c>localhost</c>, or a Unix socket.</summary>
    public static bool IsLoopback(string address)
    {
        if (address.StartsWith("http://unix:", StringComparison.OrdinalIgnoreCase) || address.StartsWith("https://unix:", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Anything unreadable counts as exposed: the answer decides whether a token is required.
        if (!Uri.TryCreate(address.Replace("://+", "://any").Replace("://*", "://any"), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    }

    /// <summary>The host name of an address such as <c>http://dash.lan:5080</c>; null for IP addresses, wildcards and localhost.</summary>
    public static string? HostName(string address)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.HostNameType != UriHostNameType.Dns || uri.IsLoopback)
        {
            return null;
        }

        return uri.Host;
    }
}
