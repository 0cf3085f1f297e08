using System.Globalization;
using System.Text;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Proc;

/// <summary>The parts of <c>/proc/&lt;pid&gt;/status</c> the scan needs.</summary>
internal sealed record ProcStatus(string Name, int Ppid, int Uid, IReadOnlyList<int> NsPids);

/// <summary>The parts of <c>/proc/&lt;pid&gt;/stat</c> the scan needs; <see cref="StartTime"/> (clock ticks since boot) with the PID identifies a process.</summary>
internal sealed record ProcStat(string Comm, int Ppid, int Threads, ulong StartTime, ExecImage Image);

/// <summary>
/// Where the kernel laid out the program and its arguments (stat fields 26–28 and 48–51). An exec builds a new
/// memory image, so these change with it even when the comm does not; they are all 0 for kernel threads, zombies,
/// and when the reader may not ptrace the process.
/// </summary>
internal readonly record struct ExecImage(ulong StartCode, ulong EndCode, ulong StartStack, ulong ArgStart, ulong ArgEnd, ulong EnvStart, ulong EnvEnd);

/// <summary>One nsfs entry of a mountinfo file. <see cref="Key"/> is null when the root field does not name the namespace.</summary>
internal sealed record NsfsMount(NamespaceKey? Key, string MountPoint);

/// <summary>Pure parsers for the text the kernel exposes under a proc root. No I/O here, so they can be tested on captured samples.</summary>
internal static class ProcParsers
{
    // Field numbers of /proc/<pid>/stat as proc(5) counts them (pid is 1, comm 2).
    private const int StatPpid = 4;
    private const int StatThreads = 20;
    private const int StatStartTime = 22;
    private const int StatStartCode = 26;
    private const int StatEndCode = 27;
    private const int StatStartStack = 28;
    private const int StatArgStart = 48;
    private const int StatArgEnd = 49;
    private const int StatEnvStart = 50;
    private const int StatEnvEnd = 51;
    private const int StatFieldCount = 52;

    /// <summary>Parses a namespace link target such as <c>net:[4026531840]</c> (also what an fd on a namespace reads as).</summary>
    public static bool TryParseNamespaceLink(ReadOnlySpan<char> text, out NamespaceKey key)
    {
        key = default;
        var colon = text.IndexOf(':');
        if (colon <= 0 || text.Length < colon + 4 || text[colon + 1] != '[' || text[^1] != ']')
        {
            return false;
        }

        // TryParse takes a string; the type names are short and few, so the allocation is not worth avoiding.
        if (!NamespaceTypes.TryParse(text[..colon].ToString(), out var type))
        {
            return false;
        }

        if (!ulong.TryParse(text[(colon + 2)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
        {
            return false;
        }

        key = new NamespaceKey(type, inode);
        return true;
    }

    /// <summary>Parses an fd link target <c>socket:[740897]</c> into the socket's inode, the key of /proc/net/tcp rows.</summary>
    public static bool TryParseSocketLink(ReadOnlySpan<char> text, out ulong inode)
    {
        inode = 0;
        return text.StartsWith("socket:[", StringComparison.Ordinal) && text[^1] == ']'
            && ulong.TryParse(text[8..^1], NumberStyles.None, CultureInfo.InvariantCulture, out inode);
    }

    /// <summary>Parses <c>/proc/&lt;pid&gt;/status</c>. Returns null when Name, PPid or Uid is missing (a truncated read).</summary>
    public static ProcStatus? ParseStatus(string text, int pid)
    {
        string? name = null;
        int? ppid = null, uid = null;
        List<int>? nsPids = null;
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            var field = line[..colon];
            var value = line[(colon + 1)..].TrimStart('\t');
            if (field.SequenceEqual("Name"))
            {
                name = UnescapeStatusName(value);
            }
            else if (field.SequenceEqual("PPid"))
            {
                ppid = ParseFirstInt(value);
            }
            else if (field.SequenceEqual("Uid"))
            {
                // Real, effective, saved, filesystem: ps shows the real one.
                uid = ParseFirstInt(value);
            }
            else if (field.SequenceEqual("NSpid"))
            {
                nsPids = [];
                foreach (var part in value.Split('\t'))
                {
                    if (int.TryParse(value[part], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                    {
                        nsPids.Add(n);
                    }
                }
            }
        }

        if (name is null || ppid is null || uid is null)
        {
            return null;
        }

        // Kernels before 4.1 have no NSpid line; then the host PID is all we know.
        if (nsPids is null || nsPids.Count == 0)
        {
            nsPids = [pid];
        }

        return new ProcStatus(name, ppid.Value, uid.Value, nsPids);
    }

    /// <summary>
    /// Parses <c>/proc/&lt;pid&gt;/stat</c>. The comm in field 2 may hold spaces and ')' of its own, so fields are
    /// counted from the last ')'. Returns null on a line too short to reach starttime (field 22) or malformed before it.
    /// </summary>
    public static ProcStat? ParseStat(string text)
    {
        var open = text.IndexOf('(');
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        // Fields 3.. after ") "; index 0 here is field 3 (state). Fields past 22 are optional: older kernels have
        // fewer, and without ptrace access to the process the kernel prints 0 for the addresses.
        Span<ulong> fields = stackalloc ulong[StatFieldCount - 2];
        var field = 3;
        var rest = text.AsSpan(close + 1);
        foreach (var range in rest.Split(' '))
        {
            var part = rest[range].TrimEnd('\n');
            if (part.IsEmpty)
            {
                continue;
            }

            if (field > StatFieldCount)
            {
                break;
            }

            if (field is StatPpid or StatThreads or StatStartTime or (>= StatStartCode and <= StatStartStack) or (>= StatArgStart and <= StatEnvEnd))
            {
                if (!ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out fields[field - 3]))
                {
                    return null;
                }
            }

            field++;
        }

        if (field <= StatStartTime || fields[StatPpid - 3] > int.MaxValue || fields[StatThreads - 3] > int.MaxValue)
        {
            return null;
        }

        return new ProcStat(
            text[(open + 1)..close],
            (int)fields[StatPpid - 3],
            (int)fields[StatThreads - 3],
            fields[StatStartTime - 3],
            new ExecImage(
                fields[StatStartCode - 3], fields[StatEndCode - 3], fields[StatStartStack - 3],
                fields[StatArgStart - 3], fields[StatArgEnd - 3], fields[StatEnvStart - 3], fields[StatEnvEnd - 3]));
    }

    /// <summary>
    /// The command line as ps shows it: arguments joined by spaces, or <c>[name]</c> when there are none
    /// (kernel threads and zombies have an empty cmdline).
    /// </summary>
    public static string FormatCommand(ReadOnlySpan<byte> cmdline, string name)
    {
        var trimmed = cmdline.TrimEnd((byte)0);
        if (trimmed.IsEmpty)
        {
            return $"[{name}]";
        }

        return Encoding.UTF8.GetString(trimmed).Replace('\0', ' ');
    }

    /// <summary>
    /// Every nsfs entry of a mountinfo file. The filesystem type follows the " - " separator because the optional
    /// fields before it vary in number.
    /// </summary>
    public static IReadOnlyList<NsfsMount> ParseMountInfoNsfs(string text)
    {
        var result = new List<NsfsMount>();
        Span<Range> fields = stackalloc Range[6];
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            var separator = line.IndexOf(" - ");
            if (separator < 0)
            {
                continue;
            }

            var after = line[(separator + 3)..];
            var space = after.IndexOf(' ');
            var fsType = space < 0 ? after : after[..space];
            if (!fsType.SequenceEqual("nsfs"))
            {
                continue;
            }

            // id parent major:minor root mountpoint ...
            var before = line[..separator];
            if (before.Split(fields, ' ') < 5)
            {
                continue;
            }

            var root = DecodeOctalEscapes(before[fields[3]]);
            var mountPoint = DecodeOctalEscapes(before[fields[4]]);
            NamespaceKey? key = TryParseNamespaceLink(root, out var parsed) ? parsed : null;
            result.Add(new NsfsMount(key, mountPoint));
        }

        return result;
    }

    /// <summary>Parses a <c>uid_map</c> or <c>gid_map</c>: lines of inside, outside and count, padded with spaces.</summary>
    public static IReadOnlyList<IdMapRange> ParseIdMap(string text)
    {
        var result = new List<IdMapRange>();
        Span<long> numbers = stackalloc long[3];
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            var count = 0;
            foreach (var part in line.Split(' '))
            {
                var token = line[part];
                if (token.IsEmpty)
                {
                    continue;
                }

                if (count == 3 || !long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[count]))
                {
                    count = -1;
                    break;
                }

                count++;
            }

            if (count == 3)
            {
                result.Add(new IdMapRange { InsideId = numbers[0], OutsideId = numbers[1], Count = numbers[2] });
            }
        }

        return result;
    }

    /// <summary>uid → user name from a passwd file. The first entry of a uid wins, as with getpwuid.</summary>
    public static IReadOnlyDictionary<int, string> ParsePasswd(string text)
    {
        var result = new Dictionary<int, string>();
        Span<Range> fields = stackalloc Range[4];
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            if (line.Split(fields, ':') < 3)
            {
                continue;
            }

            var name = line[fields[0]];
            if (name.IsEmpty || !int.TryParse(line[fields[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                continue;
            }

            result.TryAdd(uid, name.ToString());
        }

        return result;
    }

    /// <summary>Decodes the <c>\ooo</c> escapes the kernel writes for space, tab, newline and backslash in mount paths.</summary>
    public static string DecodeOctalEscapes(ReadOnlySpan<char> text)
    {
        if (!text.Contains('\\'))
        {
            return text.ToString();
        }

        // Escaped bytes may be parts of a UTF-8 sequence, so decode in byte space.
        var source = Encoding.UTF8.GetBytes(text.ToArray());
        var decoded = new byte[source.Length];
        var length = 0;
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '\\' && i + 3 < source.Length && IsOctal(source[i + 1]) && IsOctal(source[i + 2]) && IsOctal(source[i + 3]))
            {
                decoded[length++] = (byte)(((source[i + 1] - '0') << 6) | ((source[i + 2] - '0') << 3) | (source[i + 3] - '0'));
                i += 3;
            }
            else
            {
                decoded[length++] = source[i];
            }
        }

        return Encoding.UTF8.GetString(decoded, 0, length);
    }

    private static bool IsOctal(byte c) => c is >= (byte)'0' and <= (byte)'7';

    private static int? ParseFirstInt(ReadOnlySpan<char> value)
    {
        var tab = value.IndexOf('\t');
        var first = tab < 0 ? value : value[..tab];
        return int.TryParse(first.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    // The kernel escapes only '\n' and '\\' in the status Name (seq_escape_str with "\n\\"); the stat comm is raw.
    private static string UnescapeStatusName(ReadOnlySpan<char> value)
    {
        if (!value.Contains('\\'))
        {
            return value.ToString();
        }

        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length && value[i + 1] is '\\' or 'n')
            {
                sb.Append(value[i + 1] == 'n' ? '\n' : '\\');
                i++;
            }
            else
            {
                sb.Append(value[i]);
            }
        }

        return sb.ToString();
    }
}
