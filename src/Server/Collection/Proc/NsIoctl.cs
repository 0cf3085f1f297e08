using System.Runtime.InteropServices;

namespace Dashboard.Server.Collection.Proc;

/// <summary>
/// The nsfs ioctls (linux/nsfs.h). Each related namespace comes back as a new fd; its identity is read from
/// <c>/proc/self/fd/&lt;fd&gt;</c> as <c>type:[inode]</c>, which avoids depending on the struct stat layout.
/// </summary>
internal static partial class NsIoctl
{
    public const int Eperm = 1;
    public const int Enoent = 2;

    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000;

    private const nuint NsGetUserns = 0xb701;
    private const nuint NsGetParent = 0xb702;

    public enum Relation
    {
        /// <summary>NS_GET_USERNS: the user namespace owning this one.</summary>
        Owner,
        /// <summary>NS_GET_PARENT: the parent of a pid or user namespace.</summary>
        Parent,
    }

    /// <summary>Opens a namespace file read-only. Returns the fd, or -1 with the errno in <paramref name="errno"/>.</summary>
    public static int Open(string path, out int errno)
    {
        var fd = open(path, ORdOnly | OCloExec);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>Asks for the related namespace. Returns a new fd, or -1 with the errno (EPERM: outside our scope).</summary>
    public static int Get(int fd, Relation relation, out int errno)
    {
        var result = ioctl(fd, relation == Relation.Owner ? NsGetUserns : NsGetParent, 0);
        errno = result < 0 ? Marshal.GetLastPInvokeError() : 0;
        return result;
    }

    /// <summary>The namespace an fd of this process refers to, or null when it is not a namespace.</summary>
    public static NamespaceKey? KeyOf(int fd)
    {
        try
        {
            var target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            return target is not null && ProcParsers.TryParseNamespaceLink(target, out var key) ? key : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            _ = close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    // ioctl is variadic in C; on the Linux ABIs .NET runs on, passing the optional argument as a fixed one is safe.
    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, nint argument);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);
}
