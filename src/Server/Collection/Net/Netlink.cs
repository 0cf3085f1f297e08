using System.Runtime.InteropServices;

namespace Dashboard.Server.Collection.Net;

/// <summary>How far one buffer of a netlink dump got.</summary>
internal enum DumpEnd
{
    /// <summary>Every message was read and NLMSG_DONE has not come yet: read more.</summary>
    More,
    /// <summary>NLMSG_DONE: the dump is complete.</summary>
    Done,
    /// <summary>NLMSG_ERROR (or an error in NLMSG_DONE): the kernel refused; see the errno.</summary>
    Error,
    /// <summary>A header or length that does not fit the buffer: the rest of the buffer was not read.</summary>
    Malformed,
}

/// <summary>
/// The outcome of walking a buffer. <see cref="Interrupted"/> is NLM_F_DUMP_INTR: the table changed during the dump,
/// so the result may mix before and after, and a caller that wants a consistent view dumps again.
/// </summary>
internal readonly record struct DumpProgress(DumpEnd End, int Errno = 0, bool Interrupted = false);

/// <summary>
/// Netlink framing (linux/netlink.h): messages of a 16-byte nlmsghdr plus payload, each padded to 4 bytes, and
/// attributes of a 4-byte rtattr plus value, also padded to 4. Everything is in host byte order except addresses.
/// </summary>
internal static class Netlink
{
    public const int HeaderSize = 16;

    public const ushort MsgNoop = 1;
    public const ushort MsgError = 2;
    public const ushort MsgDone = 3;
    public const ushort MsgOverrun = 4;

    public const ushort FlagRequest = 0x1;
    public const ushort FlagDumpInterrupted = 0x10;
    public const ushort FlagDump = 0x300;

    // Attribute types carry NLA_F_NESTED and NLA_F_NET_BYTEORDER in their top two bits.
    public const ushort AttributeTypeMask = 0x3fff;

    public delegate void MessageHandler(ushort type, ReadOnlySpan<byte> payload);

    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>
    /// Hands each data message in <paramref name="buffer"/> to <paramref name="onMessage"/>, stopping at NLMSG_DONE,
    /// a real NLMSG_ERROR (an ACK, error 0, is skipped) or the first length that does not fit. Never throws on input.
    /// </summary>
    public static DumpProgress Walk(ReadOnlySpan<byte> buffer, MessageHandler onMessage)
    {
        var interrupted = false;
        while (buffer.Length > 0)
        {
            if (buffer.Length < HeaderSize)
            {
                return new DumpProgress(DumpEnd.Malformed, 0, interrupted);
            }

            var length = MemoryMarshal.Read<uint>(buffer);
            var type = MemoryMarshal.Read<ushort>(buffer[4..]);
            var flags = MemoryMarshal.Read<ushort>(buffer[6..]);
            if (length < HeaderSize || length > (uint)buffer.Length)
            {
                return new DumpProgress(DumpEnd.Malformed, 0, interrupted);
            }

            interrupted |= (flags & FlagDumpInterrupted) != 0;
            var payload = buffer[HeaderSize..(int)length];
            switch (type)
            {
                case MsgDone:
                    // Since 4.x a dump that failed part-way puts the error in NLMSG_DONE's payload.
                    var doneError = payload.Length >= 4 ? MemoryMarshal.Read<int>(payload) : 0;
                    return doneError < 0
                        ? new DumpProgress(DumpEnd.Error, -doneError, interrupted)
                        : new DumpProgress(DumpEnd.Done, 0, interrupted);
                case MsgError:
                    if (payload.Length < 4)
                    {
                        return new DumpProgress(DumpEnd.Malformed, 0, interrupted);
                    }

                    var error = MemoryMarshal.Read<int>(payload);
                    if (error != 0)
                    {
                        return new DumpProgress(DumpEnd.Error, -error, interrupted);
                    }

                    break;
                case MsgNoop:
                    break;
                case MsgOverrun:
                    return new DumpProgress(DumpEnd.Malformed, 0, interrupted);
                default:
                    onMessage(type, payload);
                    break;
            }

            var advance = Align((int)length);
            buffer = advance >= buffer.Length ? [] : buffer[advance..];
        }

        return new DumpProgress(DumpEnd.More, 0, interrupted);
    }
}

/// <summary>Reads the rtattrs after a message's fixed header. Stops (and sets <see cref="Malformed"/>) at a bad length.</summary>
internal ref struct AttributeReader
{
    private const int AttributeHeaderSize = 4;
    private ReadOnlySpan<byte> _rest;

    public AttributeReader(ReadOnlySpan<byte> attributes) => _rest = attributes;

    public bool Malformed { get; private set; }

    public bool Next(out ushort type, out ReadOnlySpan<byte> value)
    {
        type = 0;
        value = default;
        if (_rest.Length < AttributeHeaderSize)
        {
            // A tail shorter than a header is padding at most; more than that is damage.
            Malformed |= _rest.Length > 0 && _rest.IndexOfAnyExcept((byte)0) >= 0;
            return false;
        }

        var length = MemoryMarshal.Read<ushort>(_rest);
        if (length < AttributeHeaderSize || length > _rest.Length)
        {
            Malformed = true;
            _rest = [];
            return false;
        }

        type = (ushort)(MemoryMarshal.Read<ushort>(_rest[2..]) & Netlink.AttributeTypeMask);
        value = _rest[AttributeHeaderSize..length];
        var advance = Netlink.Align(length);
        _rest = advance >= _rest.Length ? [] : _rest[advance..];
        return true;
    }
}
