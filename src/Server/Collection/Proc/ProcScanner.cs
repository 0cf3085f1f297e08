using System.Diagnostics;
using System.Globalization;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Proc;

/// <summary>
/// Walks a proc root and finds every process and every namespace: from process and thread links, nsfs bind mounts,
/// open descriptors, and the owner/parent chains the nsfs ioctls report. It keeps what it read so that a rescan
/// costs little when little changed: a process seen before is not read again in full (<see cref="ProcessReader"/>),
/// owners, parents and id maps are not asked again (<see cref="NamespaceRelations"/>), and the descriptor pass runs
/// at most every <see cref="FullPassInterval"/> (<see cref="DescriptorScan"/>). Each scan's result is what a
/// new scanner would find at that moment, except between full passes for new descriptors, socket owners, and a uid
/// or command line changed without an exec (setuid, setproctitle).
/// Processes come and go while it reads, so a process that vanishes part-way is skipped, never an error.
/// Not thread-safe; keep one per caller.
/// </summary>
internal sealed class ProcScanner
{
    private readonly string _procRoot;
    private readonly ILogger _logger;
    private readonly ProcFileReader _files = new();
    private readonly ProcessReader _processes;
    private readonly DescriptorScan _descriptors;
    private readonly NamespaceRelations _relations;
    private long? _lastFullPass;
    private Dictionary<ulong, MountTable> _mountTables = [];
    private PasswdCache? _passwd;

    public ProcScanner(string procRoot, ILogger logger)
    {
        _procRoot = procRoot;
        _logger = logger;
        _processes = new ProcessReader(procRoot, logger, _files);
        _descriptors = new DescriptorScan(procRoot);
        _relations = new NamespaceRelations(logger, _files);
    }

    /// <summary>Whether to read every process's fd directory to find namespaces held only by an open descriptor.</summary>
    public bool ScanOpenDescriptors { get; init; } = true;

    /// <summary>
    /// How often a scan is a full pass: it reads every open descriptor (when <see cref="ScanOpenDescriptors"/>) and
    /// rereads status and cmdline of every process. Those change without an exec only through setuid or a rewritten
    /// command line (setproctitle), which a lighter scan would not notice.
    /// </summary>
    public TimeSpan FullPassInterval { get; init; } = TimeSpan.FromSeconds(10);

    public ProcScan Scan() => Scan(forceFullPass: false);

    /// <param name="forceFullPass">Make this scan a full pass (descriptors read, status and cmdline reread), however recent the last one.</param>
    public ProcScan Scan(bool forceFullPass)
    {
        var stopwatch = Stopwatch.StartNew();
        var fullPass = forceFullPass || _lastFullPass is not { } last || Stopwatch.GetElapsedTime(last) >= FullPassInterval;
        var pass = _processes.Read(LoadUsers(), rereadDetails: fullPass);
        return Finish(pass, fullPass, ProcDelta.Everything, stopwatch);
    }

    /// <summary>
    /// A scan that reads only what <paramref name="delta"/> names (processes, mount tables) and takes the rest from
    /// the previous scan, as the kernel's events tell what changed. Never a full pass: descriptors found by the last
    /// one are checked again (one readlink each), new ones wait for the next.
    /// </summary>
    public ProcScan Update(ProcDelta delta)
    {
        var stopwatch = Stopwatch.StartNew();
        var users = LoadUsers();
        var pass = delta.AllProcesses || _lastFullPass is null
            ? _processes.Read(users, rereadDetails: false)
            : _processes.Update(users, delta.Changed, delta.Exited);
        return Finish(pass, fullPass: _lastFullPass is null, delta, stopwatch);
    }

    private ProcScan Finish(ProcessPass pass, bool fullPass, ProcDelta delta, Stopwatch stopwatch)
    {
        if (fullPass)
        {
            _lastFullPass = Stopwatch.GetTimestamp();
        }

        var processesDone = stopwatch.Elapsed;
        var known = new NamespaceRegistry();
        RegisterProcesses(pass.Processes, known);
        var mountTablesRead = FindBindMounts(pass.Processes, known, delta);
        var mountsDone = stopwatch.Elapsed;

        var socketOwners = new Dictionary<ulong, List<int>>();
        if (ScanOpenDescriptors)
        {
            if (fullPass)
            {
                _descriptors.Pass(pass.Processes, known.All.SelectMany(n => n.BindMounts).ToHashSet(StringComparer.Ordinal));
            }

            _descriptors.Apply(pass.Processes, known, socketOwners, recheck: !fullPass);
        }

        var descriptorsDone = stopwatch.Elapsed;
        var asked = _relations.Resolve(known, pass.Continuing);
        var ioctlsDone = stopwatch.Elapsed;
        _relations.ReadIdMaps(known, pass.Continuing);

        // Phase timings, to see what a slow scan spends its time on (the fd pass is the one that grows with load).
        _logger.LogDebug(
            "Scan ({Kind}) in ms: processes {Processes:F1} ({Full} of {Count} read in full), bind mounts {Mounts:F1} ({Tables} mount tables read), " +
            "fds {Fds:F1}, ioctls {Ioctls:F1} ({Asked} of {Namespaces} namespaces asked), id maps {Maps:F1}",
            fullPass ? "full pass" : delta.AllProcesses ? "rescan" : "update",
            processesDone.TotalMilliseconds,
            pass.ReadInFull,
            pass.Processes.Count,
            (mountsDone - processesDone).TotalMilliseconds,
            mountTablesRead,
            (descriptorsDone - mountsDone).TotalMilliseconds,
            (ioctlsDone - descriptorsDone).TotalMilliseconds,
            asked,
            known.Count,
            (stopwatch.Elapsed - ioctlsDone).TotalMilliseconds);

        var initial = (pass.Processes.Find(p => p.Pid == 2) ?? pass.Processes.Find(p => p.Pid == 1))?.Namespaces
            ?? new Dictionary<NamespaceType, ulong>();

        return new ProcScan
        {
            ProcRoot = _procRoot,
            Processes = pass.Processes,
            Namespaces = known.Publish(),
            InitialNamespaces = new Dictionary<NamespaceType, ulong>(initial),
            UnreadableProcessCount = pass.Unreadable,
            SocketOwners = socketOwners.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<int>)kv.Value),
            DescriptorsScannedAt = ScanOpenDescriptors ? _descriptors.PassedAt : null,
            MountTables = _mountTables.ToDictionary(kv => kv.Key, kv => kv.Value.Pid),
            ScannedAt = DateTimeOffset.UtcNow,
            Duration = stopwatch.Elapsed,
            Kind = fullPass ? ScanKind.FullPass : delta.AllProcesses ? ScanKind.Rescan : ScanKind.Update,
        };
    }

    private void RegisterProcesses(List<ProcessRecord> processes, NamespaceRegistry known)
    {
        foreach (var process in processes)
        {
            var dir = Path.Join(_procRoot, process.Pid.ToString(CultureInfo.InvariantCulture));
            foreach (var (type, inode) in process.Namespaces)
            {
                known.Register(new NamespaceKey(type, inode)).AddProcDir(dir);
            }

            foreach (var thread in process.Threads)
            {
                var taskDir = Path.Join(dir, "task", thread.Tid.ToString(CultureInfo.InvariantCulture));
                foreach (var (type, inode) in thread.Namespaces)
                {
                    known.Register(new NamespaceKey(type, inode)).AddProcDir(taskDir);
                }
            }
        }
    }

    /// <summary>
    /// Records the nsfs mounts of every mount namespace, from the mountinfo of one process in it. This is how
    /// namespaces kept only by a bind mount (<c>ip netns add</c>, Docker's /run/docker/netns) are found. A table is read
    /// again when <paramref name="delta"/> says it changed, when its namespace is new, or when the process it was read
    /// through is gone; the others are taken as last read. Returns how many tables were read.
    /// </summary>
    private int FindBindMounts(List<ProcessRecord> processes, NamespaceRegistry known, ProcDelta delta)
    {
        var tables = new Dictionary<ulong, MountTable>();
        var read = 0;
        var byMountNamespace = processes
            .Where(p => p.Namespaces.ContainsKey(NamespaceType.Mnt))
            .GroupBy(p => p.Namespaces[NamespaceType.Mnt]);
        foreach (var group in byMountNamespace)
        {
            var mnt = group.Key;
            if (!delta.AllMountTables && !delta.MountTables.Contains(mnt)
                && _mountTables.TryGetValue(mnt, out var kept) && group.Any(p => p.Pid == kept.Pid && p.StartTime == kept.StartTime))
            {
                tables[mnt] = kept;
            }
            else if (ReadMountTable(group) is { } fresh)
            {
                tables[mnt] = fresh;
                read++;
            }
            else
            {
                continue;
            }

            foreach (var mount in tables[mnt].Mounts)
            {
                var ns = known.Register(mount.Key);
                ns.AddBindMount(mount.MountPoint);
                ns.AddPath(mount.Path);
            }
        }

        _mountTables = tables;
        return read;
    }

    /// <summary>The nsfs mounts in the mountinfo of the first process of the group that can be read; null if none can.</summary>
    private MountTable? ReadMountTable(IEnumerable<ProcessRecord> members)
    {
        foreach (var process in members)
        {
            var dir = Path.Join(_procRoot, process.Pid.ToString(CultureInfo.InvariantCulture));
            string text;
            try
            {
                text = _files.ReadText(Path.Join(dir, "mountinfo"));
            }
            catch (Exception e) when (ProcFileReader.IsGoneOrDenied(e))
            {
                // Try the next process of the same mount namespace.
                continue;
            }

            var mounts = new List<FoundMount>();
            foreach (var mount in ProcParsers.ParseMountInfoNsfs(text))
            {
                // The mount point is as seen from that process's root, which /proc/<pid>/root reaches from here.
                var path = Path.Join(dir, "root") + mount.MountPoint;
                var key = mount.Key ?? NsIoctl.Identify(path);
                if (key is null)
                {
                    _logger.LogDebug("nsfs mount {MountPoint} of process {Pid} could not be identified", mount.MountPoint, process.Pid);
                    continue;
                }

                mounts.Add(new FoundMount(key.Value, mount.MountPoint, path));
            }

            return new MountTable(process.Pid, process.StartTime, mounts);
        }

        return null;
    }

    private IReadOnlyDictionary<int, string> LoadUsers()
    {
        // Deployed in a container with the host's /proc mounted elsewhere, the host's users are behind PID 1's root.
        var isOwnProc = Path.TrimEndingDirectorySeparator(Path.GetFullPath(_procRoot)) == "/proc";
        string[] candidates = isOwnProc ? ["/etc/passwd"] : [Path.Join(_procRoot, "1/root/etc/passwd"), "/etc/passwd"];
        foreach (var path in candidates)
        {
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists)
                {
                    continue;
                }

                if (_passwd is { } cached && cached.Path == path && cached.Modified == info.LastWriteTimeUtc && cached.Length == info.Length)
                {
                    return cached.Users;
                }

                var users = ProcParsers.ParsePasswd(File.ReadAllText(path));
                _passwd = new PasswdCache(path, info.LastWriteTimeUtc, info.Length, users);
                return users;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogDebug("Cannot read {Path}: {Message}", path, e.Message);
            }
        }

        return s_noUsers;
    }

    private static readonly IReadOnlyDictionary<int, string> s_noUsers = new Dictionary<int, string>();

    /// <summary>A mount namespace's nsfs mounts as read through one of its processes (PID and start time).</summary>
    private sealed record MountTable(int Pid, ulong StartTime, IReadOnlyList<FoundMount> Mounts);

    private sealed record FoundMount(NamespaceKey Key, string MountPoint, string Path);

    private sealed record PasswdCache(string Path, DateTime Modified, long Length, IReadOnlyDictionary<int, string> Users);
}
