using System.Net;
using Dashboard.Server.Collection.Net;

namespace Dashboard.UnitTests.Net;

/// <summary>
/// On /proc/net/{tcp,tcp6,udp,udp6} captured on this machine while a script listened on 127.0.0.1:47011 (tcp),
/// [::]:47012 (tcp6), 127.0.0.1:47013 (udp) and [::1]:47014 (udp6): socket inodes 740897 to 740900.
/// </summary>
public sealed class ProcNetSocketsTests
{
    private static string Sample(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", "procnet", name + ".txt"));

    [Theory]
    [InlineData("tcp", "127.0.0.1", 47011, 740897UL)]
    [InlineData("tcp6", "::", 47012, 740898UL)]
    [InlineData("udp", "127.0.0.1", 47013, 740899UL)]
    [InlineData("udp6", "::1", 47014, 740900UL)]
    public void FindsTheListenersTheCaptureMade(string protocol, string address, int port, ulong inode)
    {
        var sockets = ProcNetSockets.ParseListening(Sample(protocol), protocol);
        var socket = Assert.Single(sockets, s => s.Inode == inode);
        Assert.Equal(IPAddress.Parse(address), socket.Address);
        Assert.Equal(port, socket.Port);
        Assert.Equal(protocol, socket.Protocol);
        Assert.Equal(0, socket.Uid);
    }

    [Fact]
    public void EstablishedConnectionsAreNotListeners()
    {
        // tcp6 holds established loopback connections (state 06/01, v4-mapped); none of them may count.
        var text = Sample("tcp6");
        Assert.Contains(" 06 ", text);
        var sockets = ProcNetSockets.ParseListening(text, "tcp6");
        Assert.All(sockets, s => Assert.NotEqual(0UL, s.Inode));
        Assert.DoesNotContain(sockets, s => s.Address.IsIPv4MappedToIPv6);
    }

    [Theory]
    [InlineData("0100007F:B7A3", "127.0.0.1", 47011)]
    [InlineData("00000000:07E8", "0.0.0.0", 2024)]
    [InlineData("0000000000000000FFFF00000100007F:A0AA", "::ffff:127.0.0.1", 41130)]
    [InlineData("00000000000000000000000001000000:B7A6", "::1", 47014)]
    public void DecodesKernelHexAddresses(string text, string address, int port)
    {
        Assert.True(ProcNetSockets.TryParseEndpoint(text, out var parsed, out var parsedPort));
        Assert.Equal(IPAddress.Parse(address), parsed);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0100007F")]
    [InlineData("0100007:B7A3")]
    [InlineData("0100007G:B7A3")]
    [InlineData("0100007F:ZZZZ")]
    public void RejectsMalformedEndpoints(string text) => Assert.False(ProcNetSockets.TryParseEndpoint(text, out _, out _));

    [Fact]
    public void ConnectedUdpAndTruncatedLinesAreSkipped()
    {
        const string text = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
             100: 0100007F:B7A5 0100007F:0035 07 00000000:00000000 00:00000000 00000000     0        0 11 2 0 0
             101: 0100007F:B7A7 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 12 2 0 0
             102: 0100007F:B7A8 00000000:0000 07
            """;
        var socket = Assert.Single(ProcNetSockets.ParseListening(text, "udp"));
        Assert.Equal(12UL, socket.Inode);
        Assert.Equal(101, socket.Uid);
    }
}
