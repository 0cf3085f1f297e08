using System.Runtime.InteropServices;
using System.Text;

namespace Dashboard.Server.Collection.Proc;

/// <summary>
/// readlink(2) with its errno. <see cref="FileSystemInfo.LinkTarget"/> answers null both for EACCES and for a link
/// that vanished, and the scan must tell "not allowed" (counted as unreadable) from "exited" (skipped).
/// </summary>
internal static unsafe partial class ProcLink
{
    public const int Eperm = 1;
    public const int Enoent = 2;
    public const int Esrch = 3;
    public const int Eacces = 13;
    public const int Einval = 22;

    // Namespace links are ~20 bytes; fd targets are paths, which PATH_MAX bounds.
    private const int SmallBuffer = 256;
    private const int PathMax = 4096;

    /// <summary>The link's target, or null with the errno.</summary>
    public static string? Read(string path, out int errno)
    {
        Span<byte> small = stackalloc byte[SmallBuffer];
        var target = Read(path, small, out errno, out var truncated);
        if (!truncated)
        {
            return target;
        }

        return Read(path, new byte[PathMax], out errno, out _);
    }

    public static bool IsDenied(int errno) => errno is Eacces or Eperm;

    private static string? Read(string path, Span<byte> buffer, out int errno, out bool truncated)
    {
        nint length;
        fixed (byte* p = buffer)
        {
            length = readlink(path, p, buffer.Length);
        }

        if (length < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            truncated = false;
            return null;
        }

        errno = 0;
        // readlink fills the whole buffer when the target may not fit.
        truncated = length == buffer.Length;
        return Encoding.UTF8.GetString(buffer[..(int)length]);
    }

    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint readlink(string path, byte* buffer, nint size);
}
