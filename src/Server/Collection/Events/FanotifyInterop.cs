using System.Runtime.InteropServices;

namespace Dashboard.Server.Collection.Events;

/// <summary>
/// The libc calls of the mount event source: fanotify (linux/fanotify.h of 6.15+; Debian 12's header predates the
/// mount events), epoll, an eventfd to wake the loop, and openat below a /proc/&lt;pid&gt; directory. Each returns
/// the result, or -1 with the errno in <c>errno</c>.
/// </summary>
internal static unsafe partial class FanotifyInterop
{
    public const int Eperm = 1;
    public const int Enoent = 2;
    public const int Esrch = 3;
    public const int Eintr = 4;
    public const int Eagain = 11;
    public const int Enomem = 12;
    public const int Eacces = 13;
    public const int Einval = 22;
    public const int Emfile = 24;
    public const int Enosys = 38;

    private const uint FanCloExec = 0x1;
    private const uint FanNonBlock = 0x2;
    private const uint FanClassNotif = 0x0;
    private const uint FanReportMnt = 0x4000;
    private const uint FanMarkAdd = 0x1;
    private const uint FanMarkRemove = 0x2;
    private const uint FanMarkMntns = 0x110;
    public const ulong MountEvents = FanotifyRecords.MountAttach | FanotifyRecords.MountDetach;

    private const int ORdOnly = 0;
    private const int ODirectory = 0x10000;
    private const int OCloExec = 0x80000;

    private const int EpollCloExec = 0x80000;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    public const uint EpollIn = 0x1;
    public const uint EpollPri = 0x2;
    public const uint EpollErr = 0x8;

    private const int EfdCloExec = 0x80000;
    private const int EfdNonBlock = 0x800;

    // struct epoll_event is packed on x86-64 only (u32 events, u64 data: 12 bytes); elsewhere the u64 is aligned.
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int s_epollDataOffset = EpollEventSize - 8;

    /// <summary>A notification group reporting mount events of the namespaces it marks, non-blocking.</summary>
    public static int FanotifyInitMount(out int errno) =>
        Result(fanotify_init(FanReportMnt | FanClassNotif | FanCloExec | FanNonBlock, 0), out errno);

    /// <summary>Adds or removes the attach/detach mark on the mount namespace of <paramref name="nsFd"/>. Returns 0, or the errno.</summary>
    public static int MarkMountNamespace(int group, int nsFd, bool add) =>
        fanotify_mark(group, (add ? FanMarkAdd : FanMarkRemove) | FanMarkMntns, MountEvents, nsFd, null) == 0
            ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Opens a directory (the fd only names it, for <see cref="OpenAt"/>).</summary>
    public static int OpenDirectory(string path, out int errno) => Result(open(path, ORdOnly | ODirectory | OCloExec), out errno);

    /// <summary>Opens a file read-only below an open directory.</summary>
    public static int OpenAt(int directory, string relative, out int errno) =>
        Result(openat(directory, relative, ORdOnly | OCloExec), out errno);

    public static int EpollCreate(out int errno) => Result(epoll_create1(EpollCloExec), out errno);

    /// <summary>Registers <paramref name="fd"/> for <paramref name="events"/>; <paramref name="token"/> comes back with each report. Returns 0, or the errno.</summary>
    public static int EpollAdd(int epoll, int fd, uint events, ulong token)
    {
        var buffer = stackalloc byte[16];
        *(uint*)buffer = events;
        *(ulong*)(buffer + s_epollDataOffset) = token;
        return epoll_ctl(epoll, EpollCtlAdd, fd, buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    public static int EpollRemove(int epoll, int fd)
    {
        var buffer = stackalloc byte[16];
        return epoll_ctl(epoll, EpollCtlDel, fd, buffer) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Waits without a timeout. Returns how many reports are in <paramref name="buffer"/> (read them with <see cref="TokenAt"/>).</summary>
    public static int EpollWait(int epoll, Span<byte> buffer, out int errno)
    {
        fixed (byte* p = buffer)
        {
            return Result(epoll_wait(epoll, p, buffer.Length / EpollEventSize, -1), out errno);
        }
    }

    public static ulong TokenAt(ReadOnlySpan<byte> buffer, int index) =>
        MemoryMarshal.Read<ulong>(buffer[(index * EpollEventSize + s_epollDataOffset)..]);

    public static int EventFd(out int errno) => Result(eventfd(0, EfdCloExec | EfdNonBlock), out errno);

    /// <summary>Adds one to an eventfd, which makes it readable.</summary>
    public static void Signal(int eventFd)
    {
        ulong one = 1;
        _ = write(eventFd, &one, sizeof(ulong));
    }

    /// <summary>One read(); -1 with the errno (EAGAIN: nothing more), EINTR retried.</summary>
    public static int Read(int fd, Span<byte> buffer, out int errno)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                var n = read(fd, p, (nuint)buffer.Length);
                errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                if (n >= 0 || errno != Eintr)
                {
                    return (int)n;
                }
            }
        }
    }

    private static int Result(int value, out int errno)
    {
        errno = value < 0 ? Marshal.GetLastPInvokeError() : 0;
        return value;
    }

    [LibraryImport("libc", EntryPoint = "fanotify_init", SetLastError = true)]
    private static partial int fanotify_init(uint flags, uint eventFileFlags);

    [LibraryImport("libc", EntryPoint = "fanotify_mark", SetLastError = true)]
    private static partial int fanotify_mark(int fd, uint flags, ulong mask, int dirfd, byte* path);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int openat(int dirfd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint write(int fd, void* buffer, nuint count);
}
