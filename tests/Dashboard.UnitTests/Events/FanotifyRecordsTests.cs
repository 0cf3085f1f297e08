using Dashboard.Server.Collection.Events;

namespace Dashboard.UnitTests.Events;

/// <summary>
/// Reads of a fanotify mount group captured on the dev machine (kernel 6.18, x86-64, as root) by a throwaway C
/// program that called fanotify_init(FAN_REPORT_MNT | FAN_CLOEXEC | FAN_NONBLOCK, 0), marked a namespace with
/// fanotify_mark(FAN_MARK_ADD | FAN_MARK_MNTNS, FAN_MNT_ATTACH | FAN_MNT_DETACH, nsfd, NULL) and printed each
/// read() as hex. Unique mount ids start at 2^31, so 0x80000093 is mount 147 of this boot.
/// </summary>
public sealed class FanotifyRecordsTests
{
    // The host namespace: `mount -t tmpfs dt-x /tmp/dt-x` (pid 9679 = 0x25cf, mount 0x80000093), then its umount
    // (pid 9682), then `mount --move` of another tmpfs (pid 9686, mount 0x80000095): attach and detach in one event.
    private const string Attach = "28000000030018000000000100000000ffffffffcf25000007001000000000009300008000000000";
    private const string Detach = "28000000030018000000000200000000ffffffffd225000007001000000000009300008000000000";
    private const string Move = "28000000030018000000000300000000ffffffffd625000007001000000000009500008000000000";

    // One read after killing the only process (pid 10041 = 0x2739) of an `unshare --mount` namespace: the kernel
    // detached its 25 mounts (0x800000af to 0x800000c7) as the namespace died, with the mark still in place.
    private const string Teardown =
        "28000000030018000000000200000000ffffffff392700000700100000000000af0000800000000028000000030018000000000200000000ffffffff392700000700100000000000b000008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000b10000800000000028000000030018000000000200000000ffffffff392700000700100000000000b200008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000b30000800000000028000000030018000000000200000000ffffffff392700000700100000000000b400008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000b50000800000000028000000030018000000000200000000ffffffff392700000700100000000000b600008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000b70000800000000028000000030018000000000200000000ffffffff392700000700100000000000b800008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000b90000800000000028000000030018000000000200000000ffffffff392700000700100000000000ba00008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000bb0000800000000028000000030018000000000200000000ffffffff392700000700100000000000bc00008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000bd0000800000000028000000030018000000000200000000ffffffff392700000700100000000000be00008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000bf0000800000000028000000030018000000000200000000ffffffff392700000700100000000000c000008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000c10000800000000028000000030018000000000200000000ffffffff392700000700100000000000c200008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000c30000800000000028000000030018000000000200000000ffffffff392700000700100000000000c400008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000c50000800000000028000000030018000000000200000000ffffffff392700000700100000000000c600008000000000" +
        "28000000030018000000000200000000ffffffff392700000700100000000000c700008000000000";

    // A namespace that mounted and unmounted a tmpfs 9000 times while nobody read: 16384 events (the default
    // fs.fanotify.max_queued_events), the last one a detach, then the overflow marker with no info record and pid 0.
    private const string LastBeforeOverflow = "28000000030018000000000200000000ffffffff2374000007001000000000006333008000000000";
    private const string Overflow = "18000000030018000040000000000000ffffffff00000000";

    private static IReadOnlyList<FanotifyRecord> Parse(string hex) => FanotifyRecords.Parse(Convert.FromHexString(hex));

    [Fact]
    public void AttachCarriesTheMountId()
    {
        var record = Assert.Single(Parse(Attach));
        Assert.Equal(new FanotifyRecord(FanotifyRecords.MountAttach, 0x80000093, -1), record);
        Assert.True(record.IsMountChange);
        Assert.False(record.IsOverflow);
    }

    [Fact]
    public void DetachNamesTheSameMount() =>
        Assert.Equal([new FanotifyRecord(FanotifyRecords.MountDetach, 0x80000093, -1)], Parse(Detach));

    [Fact]
    public void MoveIsAttachAndDetachAtOnce() =>
        Assert.Equal(
            [new FanotifyRecord(FanotifyRecords.MountAttach | FanotifyRecords.MountDetach, 0x80000095, -1)], Parse(Move));

    [Fact]
    public void ADyingNamespaceDetachesEveryMountInOneRead()
    {
        var records = Parse(Teardown);
        Assert.Equal(25, records.Count);
        Assert.All(records, r => Assert.Equal(FanotifyRecords.MountDetach, r.Mask));
        Assert.Equal(Enumerable.Range(0xaf, 25).Select(i => 0x80000000UL + (ulong)i), records.Select(r => r.MountId));
    }

    [Fact]
    public void OverflowIsAMarkerWithoutMount()
    {
        var records = Parse(LastBeforeOverflow + Overflow);
        Assert.Equal(2, records.Count);
        Assert.Equal(0x80003363UL, records[0].MountId);
        Assert.True(records[1].IsOverflow);
        Assert.False(records[1].IsMountChange);
        Assert.Equal(0UL, records[1].MountId);
    }

    [Fact]
    public void TruncatedTailKeepsWhatCameBefore()
    {
        var buffer = Convert.FromHexString(Attach + Detach);
        Assert.Equal([new FanotifyRecord(FanotifyRecords.MountAttach, 0x80000093, -1)], FanotifyRecords.Parse(buffer.AsSpan(0, buffer.Length - 1)));
    }

    [Fact]
    public void AnotherMetadataVersionEndsTheWalk()
    {
        var buffer = Convert.FromHexString(Attach + Detach);
        buffer[40 + 4] = 4;
        Assert.Single(FanotifyRecords.Parse(buffer));
    }

    [Fact]
    public void UnknownInfoRecordsAreSkipped()
    {
        // The attach with a 4-byte record of an unknown type (99) before its mount record; event_len grows by 4.
        var buffer = Convert.FromHexString("2c000000030018000000000100000000ffffffffcf25000063000400" + Attach[48..]);
        Assert.Equal([new FanotifyRecord(FanotifyRecords.MountAttach, 0x80000093, -1)], FanotifyRecords.Parse(buffer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2800")]
    [InlineData("00000000030018000000000100000000ffffffffcf250000")]
    [InlineData("ffffffff030018000000000100000000ffffffffcf250000")]
    [InlineData("28000000030030000000000100000000ffffffffcf25000007001000000000009300008000000000")]
    public void GarbageIsNoRecordAndNoException(string hex) => Assert.Empty(Parse(hex));

    [Fact]
    public void AMountRecordTooShortGivesNoMountId() =>
        // The info header claims 8 bytes: too short for a mount id, so none is read from beyond it.
        Assert.Equal(0UL, Assert.Single(Parse("28000000030018000000000100000000ffffffffcf25000007000800000000009300008000000000")).MountId);
}
