using Dashboard.Server.Collection.Events;

namespace Dashboard.UnitTests.Events;

/// <summary>
/// Datagrams captured on the dev machine (kernel 6.18, x86-64, as root) by a throwaway Python program that opened
/// socket(AF_NETLINK, SOCK_DGRAM, NETLINK_CONNECTOR), bound to group CN_IDX_PROC, sent PROC_CN_MCAST_LISTEN and
/// printed recv() as hex while running `sh -c 'sleep 0.1; exit 3'` (sh was pid 27222 = 0x6a56, its parent
/// python 27178 = 0x6a2a, sleep 27223 = 0x6a57). One event per datagram, as the kernel sends them.
/// </summary>
public sealed class ProcConnectorMessagesTests
{
    private const string ListenAck =
        "4c000000030000000000000000000000010000000100000000000000010000002800000000000000010000005a1ec5a924090000000000000000000000000000000000000000000000000000";
    private const string ForkOfSh =
        "4c0000000300000001000000000000000100000001000000010000000000000028000000010000000100000005e1caa9240900002a6a00002a6a0000566a0000566a00000000000000000000";
    private const string ExecOfSh =
        "4c00000003000000020000000000000001000000010000000200000000000000280000000200000001000000e5afe2a924090000566a0000566a000000000000000000000000000000000000";
    private const string ForkOfSleep =
        "4c00000003000000030000000000000001000000010000000300000000000000280000000100000001000000d80806aa24090000566a0000566a0000576a0000576a00000000000000000000";
    private const string ExitOfSleep =
        "4c00000003000000050000000000000001000000010000000500000000000000280000000000008001000000fa0e48b024090000576a0000576a00000000000011000000566a0000566a0000";
    private const string ExitOfSh =
        "4c00000003000000060000000000000001000000010000000600000000000000280000000000008001000000aea555b024090000566a0000566a000000030000110000002a6a00002a6a0000";

    // The request the capture program sent; the kernel accepted it (ListenAck carries err 0).
    private const string ListenRequest = "28000000030000000100000000000000010000000100000001000000000000000400000001000000";

    private static IReadOnlyList<ProcEvent> Parse(string hex) => ProcConnectorMessages.Parse(Convert.FromHexString(hex));

    [Fact]
    public void ForkNamesParentAndChild() =>
        Assert.Equal([new ProcFork(27178, 27178, 27222, 27222)], Parse(ForkOfSh));

    [Fact]
    public void ExecNamesTheProcess() =>
        Assert.Equal([new ProcExec(27222, 27222)], Parse(ExecOfSh));

    [Fact]
    public void ExitCarriesTheWaitStatus()
    {
        Assert.Equal([new ProcExit(27222, 27222, 3 << 8)], Parse(ExitOfSh));
        Assert.Equal([new ProcExit(27223, 27223, 0)], Parse(ExitOfSleep));
    }

    [Fact]
    public void AckOfTheListenRequestIsNoEvent() => Assert.Empty(Parse(ListenAck));

    [Fact]
    public void SeveralMessagesInOneDatagramAreReadInOrder() =>
        // The captures are 76 bytes each, already 4-aligned, so concatenating them is a valid datagram.
        Assert.Equal(
            [new ProcFork(27222, 27222, 27223, 27223), new ProcExit(27223, 27223, 0), new ProcExit(27222, 27222, 3 << 8)],
            Parse(ForkOfSleep + ListenAck + ExitOfSleep + ExitOfSh));

    [Fact]
    public void TruncatedTailKeepsWhatCameBefore()
    {
        var datagram = Convert.FromHexString(ForkOfSleep + ExitOfSh);
        Assert.Equal([new ProcFork(27222, 27222, 27223, 27223)], ProcConnectorMessages.Parse(datagram.AsSpan(0, datagram.Length - 10)));
    }

    [Fact]
    public void OtherConnectorsAndEventsAreSkipped()
    {
        var otherIdx = Convert.FromHexString(ForkOfSh);
        otherIdx[16] = 2; // cb_id.idx: not CN_IDX_PROC
        var uidEvent = Convert.FromHexString(ExecOfSh);
        uidEvent[36] = 4; // what: PROC_EVENT_UID

        Assert.Empty(ProcConnectorMessages.Parse(otherIdx));
        Assert.Empty(ProcConnectorMessages.Parse(uidEvent));
    }

    [Fact]
    public void GarbageNeverThrows()
    {
        Assert.Empty(ProcConnectorMessages.Parse([]));
        Assert.Empty(ProcConnectorMessages.Parse(new byte[15]));
        Assert.Empty(ProcConnectorMessages.Parse(new byte[76]));
    }

    [Fact]
    public void ListenRequestIsWhatTheKernelAccepted() =>
        Assert.Equal(Convert.FromHexString(ListenRequest), ProcConnectorMessages.McastRequest(ProcConnectorMessages.McastListen, 1));
}
