using System.Globalization;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Proc;

/// <summary>
/// Reads every process's fd directory to find namespaces held only by an open descriptor and which processes hold
/// each socket. With one readlink per open descriptor on the host, this is the part of a scan that grows with load,
/// so a pass's findings are kept and applied again to the scans that follow, for the processes still alive (same
/// PID and start time). Namespace descriptors, which are few, are checked again each time (one readlink each); new
/// descriptors and socket owners wait for the next pass.
/// </summary>
internal sealed class DescriptorScan(string procRoot)
{
    private Dictionary<int, Held> _held = [];

    /// <summary>When the last pass ran; null before the first.</summary>
    public DateTimeOffset? PassedAt { get; private set; }

    /// <param name="mountPoints">Known nsfs mount points: an fd opened through one reads as its path, not as the namespace.</param>
    public void Pass(IReadOnlyList<ProcessRecord> processes, IReadOnlySet<string> mountPoints)
    {
        var held = new Dictionary<int, Held>();
        foreach (var process in processes)
        {
            var fdDir = Path.Join(procRoot, process.Pid.ToString(CultureInfo.InvariantCulture), "fd");
            List<string> entries;
            try
            {
                entries = [.. Directory.EnumerateFileSystemEntries(fdDir)];
            }
            catch (Exception e) when (ProcFileReader.IsGoneOrDenied(e))
            {
                continue;
            }

            List<HeldNamespace>? namespaces = null;
            List<ulong>? sockets = null;
            foreach (var entry in entries)
            {
                // Any failure here is a descriptor closed meanwhile or a process we may not look into: skip it.
                var target = ProcLink.Read(entry, out _);
                if (target is null || !int.TryParse(Path.GetFileName(entry.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var fd))
                {
                    continue;
                }

                // The same pass tells which processes hold each socket: /proc/net/tcp names only the inode.
                if (ProcParsers.TryParseSocketLink(target, out var socketInode))
                {
                    (sockets ??= []).Add(socketInode);
                    continue;
                }

                if (!ProcParsers.TryParseNamespaceLink(target, out var key))
                {
                    // An fd opened through a bind mount reads as the mount point, or "/" once it is unmounted: only
                    // those few are worth opening to ask the kernel what they are.
                    if ((target != "/" && !mountPoints.Contains(target)) || NsIoctl.Identify(entry) is not { } identified)
                    {
                        continue;
                    }

                    key = identified;
                }

                (namespaces ??= []).Add(new HeldNamespace(fd, key, entry, target));
            }

            if (namespaces is not null || sockets is not null)
            {
                held.Add(process.Pid, new Held(process.StartTime, namespaces ?? [], sockets ?? []));
            }
        }

        _held = held;
        PassedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>
    /// Registers what the last pass found for the processes given, skipping those that are not the same process any
    /// more. With <paramref name="recheck"/>, a namespace descriptor counts only if it still reads as it did.
    /// </summary>
    public void Apply(IReadOnlyList<ProcessRecord> processes, NamespaceRegistry known, Dictionary<ulong, List<int>> socketOwners, bool recheck)
    {
        foreach (var process in processes)
        {
            if (!_held.TryGetValue(process.Pid, out var held) || held.StartTime != process.StartTime)
            {
                continue;
            }

            foreach (var socketInode in held.Sockets)
            {
                if (!socketOwners.TryGetValue(socketInode, out var owners))
                {
                    socketOwners[socketInode] = owners = [];
                }

                if (owners.Count == 0 || owners[^1] != process.Pid)
                {
                    owners.Add(process.Pid);
                }
            }

            foreach (var ns in held.Namespaces)
            {
                if (recheck && ProcLink.Read(ns.Entry, out _) != ns.Target)
                {
                    continue;
                }

                var record = known.Register(ns.Key);
                record.AddOpenDescriptor(new FileDescriptorRef { Pid = process.Pid, Fd = ns.Fd });
                record.AddPath(ns.Entry);
            }
        }
    }

    /// <param name="Target">What the fd link read as: <c>net:[…]</c>, or a mount point / <c>/</c> for one opened through a bind mount.</param>
    private sealed record HeldNamespace(int Fd, NamespaceKey Key, string Entry, string Target);

    private sealed record Held(ulong StartTime, List<HeldNamespace> Namespaces, List<ulong> Sockets);
}
