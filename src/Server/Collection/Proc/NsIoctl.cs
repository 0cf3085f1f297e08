using System.Runtime.InteropServices;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Proc;

/// <summary>
/// The nsfs ioctls (linux/nsfs.h). Each related namespace comes back as a new fd; its identity is read from
/// <c>/proc/self/fd/&lt;fd&gt;</c> as <c>type:[inode]</c>. An fd opened through a bind mount reads as the mount's
/// path instead (or <c>/</c> once unmounted), so then the type comes from NS_GET_NSTYPE and the inode from statx,
/// whose layout, unlike struct stat's, is the same on every architecture.
/// </summary>
internal static unsafe partial class NsIoctl
{
    public const int Eperm = 1;

    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000;

    private const nuint NsGetUserns = 0xb701;
    private const nuint NsGetParent = 0xb702;
    private const nuint NsGetNsType = 0xb703;

    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;
    private const int StatxSize = 256;
    private const int StatxInoOffset = 32;

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
        var target = ProcLink.Read($"/proc/self/fd/{fd}", out _);
        if (target is not null && ProcParsers.TryParseNamespaceLink(target, out var key))
        {
            return key;
        }

        // ENOTTY here: not an nsfs file at all.
        var flag = ioctl(fd, NsGetNsType, 0);
        if (flag < 0 || TypeOfCloneFlag(flag) is not { } type)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[StatxSize];
        fixed (byte* p = buffer)
        {
            if (statx(fd, "", AtEmptyPath, StatxIno, p) != 0)
            {
                return null;
            }
        }

        return new NamespaceKey(type, BitConverter.ToUInt64(buffer.Slice(StatxInoOffset, sizeof(ulong))));
    }

    /// <summary>Opens a path and identifies the namespace behind it; null when it is not one or cannot be opened.</summary>
    public static NamespaceKey? Identify(string path)
    {
        var fd = Open(path, out _);
        if (fd < 0)
        {
            return null;
        }

        try
        {
            return KeyOf(fd);
        }
        finally
        {
            Close(fd);
        }
    }

    private static NamespaceType? TypeOfCloneFlag(int flag) => flag switch
    {
        0x00020000 => NamespaceType.Mnt,
        0x20000000 => NamespaceType.Pid,
        0x40000000 => NamespaceType.Net,
        0x04000000 => NamespaceType.Uts,
        0x08000000 => NamespaceType.Ipc,
        0x10000000 => NamespaceType.User,
        0x02000000 => NamespaceType.Cgroup,
        0x00000080 => NamespaceType.Time,
        _ => null,
    };

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

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int close(int fd);
}
