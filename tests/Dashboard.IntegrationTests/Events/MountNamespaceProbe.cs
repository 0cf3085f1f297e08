using System.Diagnostics;
using System.Runtime.InteropServices;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Events;

/// <summary>
/// A mount namespace of its own made by <c>unshare --mount --propagation private</c>, whose only process is a
/// sleep. A tmpfs is mounted on <see cref="Directory"/> inside it only (the host sees the empty directory), so the
/// tmpfs's superblock lives exactly as long as the namespace: see <see cref="WatchForDeath"/>.
/// </summary>
internal sealed class PrivateMountNamespace : IAsyncDisposable
{
    private readonly Process _process;

    private PrivateMountNamespace(Process process, string name, ulong inode)
    {
        _process = process;
        Name = name;
        Inode = inode;
    }

    public string Name { get; }

    /// <summary>The host directory the namespace's tmpfs is mounted on.</summary>
    public string Directory => Path.Join("/tmp", Name);

    public int Pid => _process.Id;

    public ulong Inode { get; }

    public static async Task<PrivateMountNamespace> StartAsync(CancellationToken cancellation)
    {
        var name = $"dt-mnt-{Guid.NewGuid():N}"[..18];
        var directory = Path.Join("/tmp", name);
        System.IO.Directory.CreateDirectory(directory);
        var psi = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--mount", "--propagation", "private", "sh", "-c",
            $"mount -t tmpfs {name} {directory} && touch {directory}/{name} && echo ready && exec sleep 300" })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start unshare");
        try
        {
            // unshare execs sh, which execs sleep: one pid throughout, in the new namespace from the start.
            var line = await process.StandardOutput.ReadLineAsync(cancellation);
            if (line != "ready")
            {
                throw new InvalidOperationException($"unshare did not get ready: {line ?? "(exited)"}");
            }

            return new PrivateMountNamespace(process, name, await Shell.ReadlinkNsAsync(process.Id, "mnt"));
        }
        catch
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            process.Dispose();
            System.IO.Directory.Delete(directory);
            throw;
        }
    }

    /// <summary>Mounts a tmpfs on a new directory below the namespace's own tmpfs, from inside the namespace.</summary>
    public Task MountAsync(string sub) =>
        Shell.RunAsync("nsenter", "-t", Pid.ToString(), "-m", "sh", "-c",
            $"mkdir -p {Directory}/{sub} && mount -t tmpfs {Name}-{sub} {Directory}/{sub}");

    public Task UnmountAsync(string sub) => Shell.RunAsync("nsenter", "-t", Pid.ToString(), "-m", "umount", $"{Directory}/{sub}");

    /// <summary>
    /// An inotify watch on a file of the namespace's tmpfs. It holds an inode, not a mount, so it keeps nothing alive;
    /// it reports IN_UNMOUNT when the tmpfs's superblock is shut down. That superblock has no mount outside the
    /// namespace and nobody unmounts it, so its last mount goes only when the namespace itself is freed:
    /// IN_UNMOUNT means the namespace is dead.
    /// </summary>
    public DeathWatch WatchForDeath() => new($"/proc/{Pid}/root{Directory}/{Name}");

    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        // Empty on the host: the tmpfs and what was made in it existed only inside the namespace.
        System.IO.Directory.Delete(Directory);
    }
}

/// <summary>See <see cref="PrivateMountNamespace.WatchForDeath"/>.</summary>
internal sealed class DeathWatch : IDisposable
{
    private const int InCloExec = 0x80000;
    private const int InNonBlock = 0x800;
    private const uint InAttrib = 0x4;
    private const uint InUnmount = 0x2000;
    private const int PollIn = 1;

    private readonly int _fd;

    public DeathWatch(string path)
    {
        _fd = inotify_init1(InCloExec | InNonBlock);
        if (_fd < 0 || inotify_add_watch(_fd, path, InAttrib) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Dispose();
            throw new InvalidOperationException($"inotify on {path}: errno {errno}");
        }
    }

    /// <summary>Whether IN_UNMOUNT came within <paramref name="timeout"/> (zero: whether it has come already).</summary>
    public bool Died(TimeSpan timeout)
    {
        var end = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var buffer = new byte[4096];
        while (true)
        {
            var remaining = (int)Math.Max(0, (end - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency);
            // struct pollfd: s32 fd, s16 events, s16 revents.
            int[] poll = [_fd, PollIn];
            if (Poll(poll, 1, remaining) <= 0)
            {
                return false;
            }

            var length = (int)Read(_fd, buffer, (nuint)buffer.Length);
            // struct inotify_event: s32 wd, u32 mask, u32 cookie, u32 len, then the name.
            for (var offset = 0; offset + 16 <= length; offset += 16 + BitConverter.ToInt32(buffer, offset + 12))
            {
                if ((BitConverter.ToUInt32(buffer, offset + 4) & InUnmount) != 0)
                {
                    return true;
                }
            }
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = Close(_fd);
        }
    }

    // DllImport rather than LibraryImport: the test project does not allow unsafe code, and these need no marshalling.
    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_init1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int inotify_add_watch(int fd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mask);

    [DllImport("libc", EntryPoint = "poll")]
    private static extern int Poll(int[] fds, nuint count, int timeoutMs);

    [DllImport("libc", EntryPoint = "read")]
    private static extern nint Read(int fd, byte[] buffer, nuint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}

/// <summary>
/// Whether a mount namespace still exists, by its 64-bit id: listmount(2) finds only live namespaces, and asking
/// by id holds nothing. The id is read once through the namespace's process (NS_GET_MNTNS_ID).
/// </summary>
internal static class MountNamespaceIds
{
    private const nuint NsGetMntnsId = 0x8008b705;
    private const long SysListmount = 458;
    private const ulong ListmountRoot = ulong.MaxValue;
    private const ulong MntIdReqSize = 32;

    public static ulong Of(int pid)
    {
        var fd = open($"/proc/{pid}/ns/mnt", 0x80000);
        var id = new ulong[1];
        try
        {
            if (fd < 0 || ioctl(fd, NsGetMntnsId, id) != 0)
            {
                throw new InvalidOperationException($"NS_GET_MNTNS_ID of {pid}: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = close(fd);
        }

        return id[0];
    }

    public static bool IsAlive(ulong id)
    {
        // struct mnt_id_req: u32 size, u32 spare, u64 mnt_id, u64 param, u64 mnt_ns_id.
        ulong[] request = [MntIdReqSize, ListmountRoot, 0, id];
        var mounts = new ulong[1];
        return syscall(SysListmount, request, mounts, 1, 0) >= 0;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int ioctl(int fd, nuint request, ulong[] argument);

    [DllImport("libc")]
    private static extern int close(int fd);

    // syscall(2) is variadic; the fixed arguments here travel in the same registers on the Linux ABIs .NET runs on.
    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, ulong[] request, ulong[] mounts, nuint count, uint flags);
}
