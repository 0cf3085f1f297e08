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
        if (fullPass)
        {
            _lastFullPass = Stopwatch.GetTimestamp();
        }

        var pass = _processes.Read(LoadUsers(), rereadDetails: fullPass);
        var processesDone = stopwatch.Elapsed;

        var known = new NamespaceRegistry();
        RegisterProcesses(pass.Processes, known);
        FindBindMounts(pass.Processes, known);
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
            "Scan ({Kind}) in ms: processes {Processes:F1} ({Full} of {Count} read in full), bind mounts {Mounts:F1}, fds {Fds:F1}, " +
            "ioctls {Ioctls:F1} ({Asked} of {Namespaces} namespaces asked), id maps {Maps:F1}",
            fullPass ? "full pass" : "rescan",
            processesDone.TotalMilliseconds,
            pass.ReadInFull,
            pass.Processes.Count,
            (mountsDone - processesDone).TotalMilliseconds,
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
            ScannedAt = DateTimeOffset.UtcNow,
            Duration = stopwatch.Elapsed,
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
    /// Reads the mountinfo of one process per mount namespace and records its nsfs mounts. This is how namespaces
    /// kept only by a bind mount (<c>ip netns add</c>, Docker's /run/docker/netns) are found. Read on every scan:
    /// mounts come and go without any process changing.
    /// </summary>
    private void FindBindMounts(List<ProcessRecord> processes, NamespaceRegistry known)
    {
        var byMountNamespace = processes
            .Where(p => p.Namespaces.ContainsKey(NamespaceType.Mnt))
            .GroupBy(p => p.Namespaces[NamespaceType.Mnt]);
        foreach (var group in byMountNamespace)
        {
            foreach (var process in group)
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

                    var ns = known.Register(key.Value);
                    ns.AddBindMount(mount.MountPoint);
                    ns.AddPath(path);
                }

                break;
            }
        }
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

    private sealed record PasswdCache(string Path, DateTime Modified, long Length, IReadOnlyDictionary<int, string> Users);
}
