using System.Net;
using System.Net.Sockets;
using Dashboard.Server.Collection.Net;
using Dashboard.UnitTests.Proc;

namespace Dashboard.UnitTests.Net;

/// <summary>
/// inet_diag requests and dumps captured from the kernel (Samples/README.md, netlink/diag-*) in a namespace where a
/// script listened on 127.0.0.1:47021 (tcp), [::]:47022 (tcp6), 127.0.0.1:47023 (udp) and [::1]:47024 (udp6),
/// socket inodes 2858557 to 2858560, beside a UDP socket connected from :47025 and an established TCP pair.
/// </summary>
public sealed class SockDiagTests
{
    private static List<ListeningSocket> Parse(string sample, string protocol)
    {
        var sockets = new List<ListeningSocket>();
        var progress = RtnetlinkParsers.Collect(Samples.Bytes($"netlink/{sample}-reply.bin"), SockDiag.ByFamily, p => SockDiag.ParseListening(p, protocol), sockets);
        Assert.Equal(DumpEnd.Done, progress.End);
        return sockets;
    }

    [Theory]
    [InlineData("diag-tcp4-listen", 1u, 0)]
    [InlineData("diag-tcp6-listen", 2u, 1)]
    [InlineData("diag-udp4-unconnected", 3u, 2)]
    [InlineData("diag-udp6-unconnected", 4u, 3)]
    public void RequestsAreByteForByteWhatWasSent(string sample, uint sequence, int request) =>
        Assert.Equal(Samples.Bytes($"netlink/{sample}-request.bin"), NetnsReader.Request(SockDiag.ByFamily, SockDiag.ListeningRequests[request].Body, sequence));

    [Theory]
    [InlineData("diag-tcp4-listen", "tcp", "127.0.0.1", 47021, 2858557UL)]
    [InlineData("diag-tcp6-listen", "tcp6", "::", 47022, 2858558UL)]
    [InlineData("diag-udp4-unconnected", "udp", "127.0.0.1", 47023, 2858559UL)]
    [InlineData("diag-udp6-unconnected", "udp6", "::1", 47024, 2858560UL)]
    public void FindsTheListenersTheCaptureMade(string sample, string protocol, string address, int port, ulong inode)
    {
        var socket = Assert.Single(Parse(sample, protocol));

        Assert.Equal(new ListeningSocket(protocol, IPAddress.Parse(address), port, inode, 0), socket);
    }

    [Fact]
    public void OfAllTcpSocketsOnlyTheListenerCounts()
    {
        // Asked for every state, the kernel also sent both ends of the established loopback pair.
        var dump = Samples.Bytes("netlink/diag-tcp4-all-reply.bin");
        var all = 0;
        Server.Collection.Net.Netlink.Walk(dump, (type, _) => all += type == SockDiag.ByFamily ? 1 : 0);

        Assert.Equal(3, all);
        Assert.Equal([2858557UL], Parse("diag-tcp4-all", "tcp").Select(s => s.Inode));
    }

    [Fact]
    public void RequestsAskForListenOrUnconnectedOfOneFamilyAndProtocol()
    {
        Assert.Equal(["tcp", "tcp6", "udp", "udp6"], SockDiag.ListeningRequests.Select(r => r.Protocol));
        var udp6 = SockDiag.RequestBody(AddressFamily.InterNetworkV6, ProtocolType.Udp);
        Assert.Equal((10, 17), (udp6[0], udp6[1]));
        Assert.Equal(1 << 7, BitConverter.ToInt32(udp6, 4));
        Assert.Equal(1 << 10, BitConverter.ToInt32(SockDiag.RequestBody(AddressFamily.InterNetwork, ProtocolType.Tcp), 4));
    }

    [Fact]
    public void AMessageCutShortIsNoSocket() =>
        Assert.Null(SockDiag.ParseListening(Samples.Bytes("netlink/diag-tcp4-listen-reply.bin").AsSpan(16, 40), "tcp"));
}
