using System.Globalization;
using System.Net;

namespace Dashboard.Server.Collection.Net;

/// <summary>A socket waiting for peers: a TCP listener, or a bound UDP socket with no fixed peer.</summary>
internal sealed record ListeningSocket(string Protocol, IPAddress Address, int Port, ulong Inode, int Uid);

/// <summary>
/// Parses <c>/proc/&lt;pid&gt;/net/{tcp,tcp6,udp,udp6}</c>, which list the sockets of that process's network
/// namespace. The socket inode links each one to the processes holding it (<c>socket:[inode]</c> fds).
/// </summary>
internal static class ProcNetSockets
{
    private const string TcpListen = "0A";
    private const string UdpUnconnected = "07";

    /// <param name="protocol"><c>tcp</c>, <c>tcp6</c>, <c>udp</c> or <c>udp6</c>: the file the text came from.</param>
    public static IReadOnlyList<ListeningSocket> ParseListening(string text, string protocol)
    {
        var udp = protocol.StartsWith("udp", StringComparison.Ordinal);
        var result = new List<ListeningSocket>();
        foreach (var line in text.Split('\n'))
        {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || !fields[0].EndsWith(':'))
            {
                continue; // the header, or a line cut short
            }

            var state = fields[3];
            if (state != (udp ? UdpUnconnected : TcpListen))
            {
                continue;
            }

            if (udp && !fields[2].EndsWith(":0000", StringComparison.Ordinal))
            {
                continue; // connect()ed UDP talks to one peer only
            }

            if (TryParseEndpoint(fields[1], out var address, out var port)
                && int.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && ulong.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                result.Add(new ListeningSocket(protocol, address, port, inode, uid));
            }
        }

        return result;
    }

    /// <summary>
    /// <c>0100007F:B7A3</c> → 127.0.0.1:47011. The kernel prints the address as 32-bit words in host byte order
    /// (little-endian here), so each 4-byte group is reversed; the port is plain big-endian hex.
    /// </summary>
    internal static bool TryParseEndpoint(string text, out IPAddress address, out int port)
    {
        address = IPAddress.None;
        port = 0;
        var colon = text.IndexOf(':');
        if (colon is not (8 or 32)
            || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out port))
        {
            return false;
        }

        var bytes = new byte[colon / 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (!byte.TryParse(text.AsSpan(i * 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
            {
                return false;
            }
        }

        if (BitConverter.IsLittleEndian)
        {
            for (var word = 0; word < bytes.Length; word += 4)
            {
                Array.Reverse(bytes, word, 4);
            }
        }

        address = new IPAddress(bytes);
        return true;
    }
}
