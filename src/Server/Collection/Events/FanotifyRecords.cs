using System.Runtime.InteropServices;

namespace Dashboard.Server.Collection.Events;

/// <summary>
/// One event read from a fanotify group. <see cref="MountId"/> is the 64-bit unique mount id of a mount event
/// (0 when the event carries none, as the overflow marker does); <see cref="Fd"/> is the event's open file, which
/// mount groups never get (-1), but whoever reads must close one that is there.
/// </summary>
internal readonly record struct FanotifyRecord(ulong Mask, ulong MountId, int Fd)
{
    public bool IsOverflow => (Mask & FanotifyRecords.QueueOverflow) != 0;

    public bool IsMountChange => (Mask & (FanotifyRecords.MountAttach | FanotifyRecords.MountDetach)) != 0;
}

/// <summary>
/// The records a read() of a fanotify group returns (linux/fanotify.h): each a struct fanotify_event_metadata
/// (u32 event_len, u8 vers, u8 reserved, u16 metadata_len, u64 mask, s32 fd, s32 pid), then info records up to
/// event_len, each led by a struct fanotify_event_info_header (u8 info_type, u8 pad, u16 len). Host byte order.
/// </summary>
internal static class FanotifyRecords
{
    public const byte MetadataVersion = 3;
    public const int MetadataSize = 24;

    public const ulong QueueOverflow = 0x4000;
    public const ulong MountAttach = 0x01000000;
    public const ulong MountDetach = 0x02000000;

    // FAN_EVENT_INFO_TYPE_MNT is 7 in released kernels (an early patch had 6, before the range record took it).
    public const byte InfoTypeMount = 7;
    // struct fanotify_event_info_mnt: the 4-byte header, 4 bytes of alignment, u64 mnt_id.
    private const int InfoMountSize = 16;
    private const int InfoMountIdOffset = 8;

    /// <summary>
    /// The records in one read, in order. A record whose length does not fit, or of a metadata version this code
    /// does not know, ends the walk, keeping what came before; info records other than the mount's are skipped.
    /// Never throws on input.
    /// </summary>
    public static IReadOnlyList<FanotifyRecord> Parse(ReadOnlySpan<byte> buffer)
    {
        var records = new List<FanotifyRecord>();
        while (buffer.Length >= MetadataSize)
        {
            var length = MemoryMarshal.Read<uint>(buffer);
            var metadataLength = MemoryMarshal.Read<ushort>(buffer[6..]);
            if (length < MetadataSize || length > (uint)buffer.Length || buffer[4] != MetadataVersion
                || metadataLength < MetadataSize || metadataLength > length)
            {
                break;
            }

            var record = buffer[..(int)length];
            records.Add(new FanotifyRecord(
                MemoryMarshal.Read<ulong>(record[8..]), MountIdOf(record[metadataLength..]), MemoryMarshal.Read<int>(record[16..])));
            buffer = buffer[(int)length..];
        }

        return records;
    }

    private static ulong MountIdOf(ReadOnlySpan<byte> info)
    {
        while (info.Length >= 4)
        {
            var length = MemoryMarshal.Read<ushort>(info[2..]);
            if (length < 4 || length > info.Length)
            {
                break;
            }

            if (info[0] == InfoTypeMount && length >= InfoMountSize)
            {
                return MemoryMarshal.Read<ulong>(info[InfoMountIdOffset..]);
            }

            info = info[length..];
        }

        return 0;
    }
}
