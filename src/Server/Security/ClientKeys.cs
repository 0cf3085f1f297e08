using System.Net;

namespace Dashboard.Server.Security;

/// <summary>Which client a request counts against, for both the request limit and the failed-credentials budget.</summary>
internal static class ClientKeys
{
    /// <summary>
    /// An IPv4 address as itself (also when it arrives mapped into IPv6); an IPv6 address by its /64, because one
    /// machine usually gets a whole /64 and could otherwise take a fresh address, and a fresh budget, for every request.
    /// </summary>
    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            // An in-process test host has no socket and no address.
            return "in-process";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes).ToString() + "/64";
    }
}
