namespace Dashboard.Server.Storage;

/// <summary>
/// Pure: the ordered item ids of one stored list, packed as zig-zag varint deltas. Items of a list that changed
/// little were mostly stored together, so neighbouring ids are close and most deltas take one or two bytes.
/// </summary>
internal static class ItemIdList
{
    public static byte[] Encode(ReadOnlySpan<long> ids)
    {
        var buffer = new byte[ids.Length * 10];
        var length = 0;
        var previous = 0L;
        foreach (var id in ids)
        {
            var delta = id - previous;
            previous = id;
            var zigzag = (ulong)((delta << 1) ^ (delta >> 63));
            while (zigzag >= 0x80)
            {
                buffer[length++] = (byte)(zigzag | 0x80);
                zigzag >>= 7;
            }

            buffer[length++] = (byte)zigzag;
        }

        return buffer[..length];
    }

    public static long[] Decode(ReadOnlySpan<byte> packed)
    {
        var ids = new List<long>(packed.Length);
        var previous = 0L;
        var i = 0;
        while (i < packed.Length)
        {
            ulong zigzag = 0;
            var shift = 0;
            byte b;
            do
            {
                if (i == packed.Length || shift > 63)
                {
                    throw new FormatException("A stored item list ends in the middle of an id.");
                }

                b = packed[i++];
                zigzag |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            }
            while (b >= 0x80);

            var delta = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            previous += delta;
            ids.Add(previous);
        }

        return [.. ids];
    }
}
