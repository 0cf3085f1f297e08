using System.Text;

namespace Dashboard.Server.Collection.Proc;

/// <summary>
/// Reads whole proc files into one reused buffer (proc files report size 0, so it reads until EOF). Not thread-safe:
/// each scanner has its own.
/// </summary>
internal sealed class ProcFileReader
{
    private byte[] _buffer = new byte[8192];

    public string ReadText(string path) => Encoding.UTF8.GetString(ReadBytes(path));

    /// <summary>The file's bytes, valid until the next read.</summary>
    public ReadOnlySpan<byte> ReadBytes(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var total = 0;
        while (true)
        {
            if (total == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = RandomAccess.Read(handle, _buffer.AsSpan(total), total);
            if (read == 0)
            {
                return _buffer.AsSpan(0, total);
            }

            total += read;
        }
    }

    /// <summary>
    /// The process (or the file) went away while being read: ENOENT, ESRCH from a dying process, or EINVAL, which
    /// opening mountinfo answers once the process has dropped its namespaces on the way out (a zombie, or a process
    /// caught exiting between its links and its mountinfo).
    /// </summary>
    public static bool IsGone(Exception e) =>
        e is FileNotFoundException or DirectoryNotFoundException || (e is IOException && e.HResult is ProcLink.Esrch or ProcLink.Einval);

    /// <summary>Gone, or one we may not look into: either way a process to skip, not an error.</summary>
    public static bool IsGoneOrDenied(Exception e) => IsGone(e) || e is UnauthorizedAccessException;
}
