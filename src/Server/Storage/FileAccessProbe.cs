using System.Runtime.InteropServices;

namespace Dashboard.Server.Storage;

/// <summary>
/// Why a file cannot be written, where SQLite only says "unable to open": <c>access(2)</c> answers for the file and its
/// folder, and reports a read-only file system even to root (for whom permission bits do not count).
/// </summary>
internal static partial class FileAccessProbe
{
    private const int WriteOk = 2;
    private const int Enoent = 2;
    private const int Eacces = 13;
    private const int Erofs = 30;

    /// <summary>A reason for people, or null when nothing is wrong that access(2) can see.</summary>
    public static string? WhyNotWritable(string path)
    {
        var folder = Path.GetDirectoryName(path) ?? "/";
        foreach (var candidate in File.Exists(path) ? new[] { path, folder } : [folder])
        {
            if (Access(candidate, WriteOk) == 0)
            {
                continue;
            }

            return Marshal.GetLastPInvokeError() switch
            {
                Erofs => $"the file system holding {candidate} is read-only",
                Eacces => $"{candidate} may not be written by this user",
                Enoent => $"{candidate} does not exist",
                var errno => $"{candidate} cannot be written (errno {errno})",
            };
        }

        return null;
    }

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
