using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dashboard.Shared.Contracts;
using Microsoft.Win32.SafeHandles;

namespace Dashboard.Server.Collection.Proc;

/// <summary>
/// Walks a proc root and finds every process and every namespace: from process and thread links, nsfs bind mounts,
/// open descriptors, and the owner/parent chains the nsfs ioctls report. Processes come and go while it reads, so
/// a process that vanishes part-way is skipped, never an error. Not thread-safe; keep one per caller.
/// </summary>
internal sealed class ProcScanner
{
    // Enough ways to reopen a namespace that one survives the processes exiting meanwhile, without keeping them all.
    private const int MaxOpenCandidates = 4;

    private static readonly string[] s_nsLinkNames = [.. NamespaceTypes.All.Select(t => "ns/" + t.ToKernelName())];

    private readonly string _procRoot;
    private readonly ILogger _logger;
    private byte[] _buffer = new byte[8192];
    private PasswdCache? _passwd;

    public ProcScanner(string procRoot, ILogger logger)
    {
        _procRoot = procRoot;
        _logger = logger;
    }

    /// <summary>Whether to read every process's fd directory to find namespaces held only by an open descriptor.</summary>
    public bool ScanOpenDescriptors { get; init; } = true;

    public ProcScan Scan()
    {
        var stopwatch = Stopwatch.StartNew();
        var users = LoadUsers();
        var known = new Dictionary<NamespaceKey, KnownNamespace>();
        var processes = new List<ProcessRecord>();
        var unreadable = 0;
        var socketOwners = new Dictionary<ulong, List<int>>();

        foreach (var pid in EnumeratePids())
        {
            switch (TryReadProcess(pid, users, known, out var process))
            {
                case Outcome.Ok:
                    processes.Add(process!);
                    break;
                case Outcome.Denied:
                    unreadable++;
                    break;
            }
        }

        processes.Sort((a, b) => a.Pid.CompareTo(b.Pid));
        var processesDone = stopwatch.Elapsed;

        FindBindMounts(processes, known);
        var mountsDone = stopwatch.Elapsed;
        if (ScanOpenDescriptors)
        {
            FindOpenDescriptors(processes, known, socketOwners);
        }

        var descriptorsDone = stopwatch.Elapsed;
        ResolveOwnersAndParents(known);
        var ioctlsDone = stopwatch.Elapsed;
        ReadIdMaps(known);

        // Phase timings, to see what a slow scan spends its time on (the fd pass is the one that grows with load).
        _logger.LogDebug(
            "Scan phases in ms: processes {Processes:F1}, bind mounts {Mounts:F1}, fds {Fds:F1}, ioctls {Ioctls:F1}, id maps {Maps:F1}",
            processesDone.TotalMilliseconds,
            (mountsDone - processesDone).TotalMilliseconds,
            (descriptorsDone - mountsDone).TotalMilliseconds,
            (ioctlsDone - descriptorsDone).TotalMilliseconds,
            (stopwatch.Elapsed - ioctlsDone).TotalMilliseconds);

        var initial = (processes.Find(p => p.Pid == 2) ?? processes.Find(p => p.Pid == 1))?.Namespaces
            ?? new Dictionary<NamespaceType, ulong>();

        return new ProcScan
        {
            ProcRoot = _procRoot,
            Processes = processes,
            Namespaces = known.ToDictionary(kv => kv.Key, kv => kv.Value.Publish()),
            InitialNamespaces = new Dictionary<NamespaceType, ulong>(initial),
            UnreadableProcessCount = unreadable,
            SocketOwners = socketOwners.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<int>)kv.Value),
            ScannedAt = DateTimeOffset.UtcNow,
            Duration = stopwatch.Elapsed,
        };
    }

    private IEnumerable<int> EnumeratePids()
    {
        // Materialised so the enumeration handle is not held open while each process is read.
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories(_procRoot))
        {
            if (int.TryParse(Path.GetFileName(dir.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    private Outcome TryReadProcess(int pid, IReadOnlyDictionary<int, string> users, Dictionary<NamespaceKey, KnownNamespace> known, out ProcessRecord? process)
    {
        process = null;
        var dir = Path.Join(_procRoot, pid.ToString(CultureInfo.InvariantCulture));
        var namespaces = new Dictionary<NamespaceType, ulong>(s_nsLinkNames.Length);
        var outcome = ReadNamespaceLinks(dir, namespaces);
        if (outcome != Outcome.Ok)
        {
            if (outcome == Outcome.Denied)
            {
                _logger.LogDebug("Namespaces of process {Pid} are not readable", pid);
            }

            return outcome;
        }

        ProcStatus? status;
        ulong? startTime;
        string command;
        try
        {
            status = ProcParsers.ParseStatus(ReadText(Path.Join(dir, "status")), pid);
            startTime = ProcParsers.ParseStat(ReadText(Path.Join(dir, "stat")))?.StartTime;
            command = status is null ? "" : ProcParsers.FormatCommand(ReadBytes(Path.Join(dir, "cmdline")), status.Name);
        }
        catch (Exception e) when (IsGone(e) || e is UnauthorizedAccessException)
        {
            _logger.LogDebug("Process {Pid} went away while being read: {Message}", pid, e.Message);
            return Outcome.Gone;
        }

        if (status is null || startTime is null)
        {
            _logger.LogDebug("Process {Pid} has a status or stat file that does not parse", pid);
            return Outcome.Gone;
        }

        foreach (var (type, inode) in namespaces)
        {
            Register(known, new NamespaceKey(type, inode)).AddProcDir(dir);
        }

        process = new ProcessRecord
        {
            Pid = pid,
            Ppid = status.Ppid,
            NsPids = status.NsPids,
            Name = status.Name,
            Command = command,
            Uid = status.Uid,
            User = users.TryGetValue(status.Uid, out var user) ? user : status.Uid.ToString(CultureInfo.InvariantCulture),
            StartTime = startTime.Value,
            Namespaces = namespaces,
            Threads = ReadDifferingThreads(pid, dir, namespaces, known),
        };
        return Outcome.Ok;
    }

    /// <summary>Reads the eight ns links of a process or task directory.</summary>
    private Outcome ReadNamespaceLinks(string dir, Dictionary<NamespaceType, ulong> into)
    {
        for (var i = 0; i < s_nsLinkNames.Length; i++)
        {
            var target = ProcLink.Read(Path.Join(dir, s_nsLinkNames[i]), out var errno);
            if (target is null)
            {
                if (ProcLink.IsDenied(errno))
                {
                    return Outcome.Denied;
                }

                if (errno == ProcLink.Esrch)
                {
                    return Outcome.Gone;
                }

                // ENOENT on one link is a type this kernel lacks; on all of them, a process that exited or a zombie.
                if (errno != ProcLink.Enoent)
                {
                    _logger.LogDebug("readlink {Dir}/{Link} failed with errno {Errno}", dir, s_nsLinkNames[i], errno);
                }

                continue;
            }

            if (ProcParsers.TryParseNamespaceLink(target, out var key) && key.Type == NamespaceTypes.All[i])
            {
                into[key.Type] = key.Inode;
            }
        }

        return into.Count == 0 ? Outcome.Gone : Outcome.Ok;
    }

    private List<ThreadRecord> ReadDifferingThreads(int pid, string dir, Dictionary<NamespaceType, ulong> processNamespaces, Dictionary<NamespaceKey, KnownNamespace> known)
    {
        var threads = new List<ThreadRecord>();
        List<string> taskDirs;
        try
        {
            taskDirs = [.. Directory.EnumerateDirectories(Path.Join(dir, "task"))];
        }
        catch (Exception e) when (IsGone(e) || e is UnauthorizedAccessException)
        {
            return threads;
        }

        if (taskDirs.Count <= 1)
        {
            return threads;
        }

        foreach (var taskDir in taskDirs)
        {
            if (!int.TryParse(Path.GetFileName(taskDir.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var tid) || tid == pid)
            {
                continue;
            }

            var links = new Dictionary<NamespaceType, ulong>(s_nsLinkNames.Length);
            if (ReadNamespaceLinks(taskDir, links) != Outcome.Ok)
            {
                continue;
            }

            Dictionary<NamespaceType, ulong>? differing = null;
            foreach (var (type, inode) in links)
            {
                if (!processNamespaces.TryGetValue(type, out var own) || own != inode)
                {
                    (differing ??= []).Add(type, inode);
                    Register(known, new NamespaceKey(type, inode)).AddProcDir(taskDir);
                }
            }

            if (differing is not null)
            {
                threads.Add(new ThreadRecord(tid, differing));
            }
        }

        return threads;
    }

    /// <summary>
    /// Reads the mountinfo of one process per mount namespace and records its nsfs mounts. This is how namespaces
    /// kept only by a bind mount (<c>ip netns add</c>, Docker's /run/docker/netns) are found.
    /// </summary>
    private void FindBindMounts(List<ProcessRecord> processes, Dictionary<NamespaceKey, KnownNamespace> known)
    {
        var seenMountNamespaces = new HashSet<ulong>();
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
                    text = ReadText(Path.Join(dir, "mountinfo"));
                }
                catch (Exception e) when (IsGone(e) || e is UnauthorizedAccessException)
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

                    var ns = Register(known, key.Value);
                    if (!ns.Record.BindMounts.Contains(mount.MountPoint))
                    {
                        ns.Record.BindMounts.Add(mount.MountPoint);
                    }

                    ns.AddPath(path);
                }

                break;
            }
        }
    }

    private void FindOpenDescriptors(List<ProcessRecord> processes, Dictionary<NamespaceKey, KnownNamespace> known, Dictionary<ulong, List<int>> socketOwners)
    {
        var mountPoints = known.Values.SelectMany(n => n.Record.BindMounts).ToHashSet(StringComparer.Ordinal);
        foreach (var process in processes)
        {
            var fdDir = Path.Join(_procRoot, process.Pid.ToString(CultureInfo.InvariantCulture), "fd");
            List<string> entries;
            try
            {
                entries = [.. Directory.EnumerateFileSystemEntries(fdDir)];
            }
            catch (Exception e) when (IsGone(e) || e is UnauthorizedAccessException)
            {
                continue;
            }

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
                    if (!socketOwners.TryGetValue(socketInode, out var owners))
                    {
                        socketOwners[socketInode] = owners = [];
                    }

                    if (owners.Count == 0 || owners[^1] != process.Pid)
                    {
                        owners.Add(process.Pid);
                    }

                    continue;
                }

                NamespaceKey key;
                if (!ProcParsers.TryParseNamespaceLink(target, out key))
                {
                    // An fd opened through a bind mount reads as the mount point, or "/" once it is unmounted: only
                    // those few are worth opening to ask the kernel what they are.
                    if ((target != "/" && !mountPoints.Contains(target)) || NsIoctl.Identify(entry) is not { } identified)
                    {
                        continue;
                    }

                    key = identified;
                }

                var ns = Register(known, key);
                ns.Record.OpenDescriptors.Add(new FileDescriptorRef { Pid = process.Pid, Fd = fd });
                ns.AddPath(entry);
            }
        }
    }

    /// <summary>
    /// Fills OwnerInode and ParentInode with the nsfs ioctls, adding every owner or parent not yet known and
    /// walking on from it, so that every inode reported is itself a known namespace.
    /// </summary>
    private void ResolveOwnersAndParents(Dictionary<NamespaceKey, KnownNamespace> known)
    {
        var resolved = new HashSet<NamespaceKey>();
        foreach (var key in known.Keys.ToList())
        {
            if (resolved.Contains(key))
            {
                continue;
            }

            var ns = known[key];
            var fd = OpenVerified(ns);
            if (fd < 0)
            {
                _logger.LogDebug("Namespace {Key} could not be opened any more", key);
                continue;
            }

            try
            {
                resolved.Add(key);
                Resolve(ns, fd, known, resolved);
            }
            finally
            {
                NsIoctl.Close(fd);
            }
        }
    }

    private void Resolve(KnownNamespace ns, int fd, Dictionary<NamespaceKey, KnownNamespace> known, HashSet<NamespaceKey> resolved)
    {
        ns.Record.OwnerInode = Follow(ns, fd, NsIoctl.Relation.Owner, known, resolved);
        if (ns.Record.Type is NamespaceType.Pid or NamespaceType.User)
        {
            ns.Record.ParentInode = Follow(ns, fd, NsIoctl.Relation.Parent, known, resolved);
        }
    }

    private ulong? Follow(KnownNamespace ns, int fd, NsIoctl.Relation relation, Dictionary<NamespaceKey, KnownNamespace> known, HashSet<NamespaceKey> resolved)
    {
        var relatedFd = NsIoctl.Get(fd, relation, out var errno);
        if (relatedFd < 0)
        {
            // EPERM: the owner or parent lies outside our user namespace, i.e. we are looking at the initial one.
            if (errno != NsIoctl.Eperm)
            {
                _logger.LogDebug("{Relation} of {Key} not available: errno {Errno}", relation, ns.Record.Key, errno);
            }

            return null;
        }

        try
        {
            if (NsIoctl.KeyOf(relatedFd) is not { } relatedKey)
            {
                return null;
            }

            if (!known.TryGetValue(relatedKey, out var related))
            {
                related = new KnownNamespace(new NamespaceRecord
                {
                    Key = relatedKey,
                    FoundAsOwner = relation == NsIoctl.Relation.Owner,
                    FoundAsParent = relation == NsIoctl.Relation.Parent,
                });
                known.Add(relatedKey, related);
            }

            // We already hold an fd on it, which also works for namespaces no process or mount keeps reachable.
            if (resolved.Add(relatedKey))
            {
                Resolve(related, relatedFd, known, resolved);
            }

            return relatedKey.Inode;
        }
        finally
        {
            NsIoctl.Close(relatedFd);
        }
    }

    /// <summary>Reads uid_map and gid_map of each user namespace from a process (or thread) in it.</summary>
    private void ReadIdMaps(Dictionary<NamespaceKey, KnownNamespace> known)
    {
        foreach (var ns in known.Values)
        {
            if (ns.Record.Type != NamespaceType.User)
            {
                continue;
            }

            foreach (var dir in ns.ProcDirs)
            {
                try
                {
                    var uidMap = ProcParsers.ParseIdMap(ReadText(Path.Join(dir, "uid_map")));
                    var gidMap = ProcParsers.ParseIdMap(ReadText(Path.Join(dir, "gid_map")));
                    // The PID may have been reused by a process in another user namespace since its link was read.
                    if (ProcLink.Read(Path.Join(dir, "ns/user"), out _) != ns.Record.Key.ToString())
                    {
                        continue;
                    }

                    ns.Record.UidMap = uidMap;
                    ns.Record.GidMap = gidMap;
                    break;
                }
                catch (Exception e) when (IsGone(e) || e is UnauthorizedAccessException)
                {
                }
            }
        }
    }

    /// <summary>Opens a file on the namespace and checks it is still that namespace (PIDs get reused). -1 when none works.</summary>
    private static int OpenVerified(KnownNamespace ns)
    {
        var typeName = ns.Record.Type.ToKernelName();
        foreach (var path in ns.ProcDirs.Select(d => Path.Join(d, "ns", typeName)).Concat(ns.Paths))
        {
            var fd = NsIoctl.Open(path, out _);
            if (fd < 0)
            {
                continue;
            }

            if (NsIoctl.KeyOf(fd) == ns.Record.Key)
            {
                return fd;
            }

            NsIoctl.Close(fd);
        }

        return -1;
    }

    private static KnownNamespace Register(Dictionary<NamespaceKey, KnownNamespace> known, NamespaceKey key)
    {
        if (!known.TryGetValue(key, out var ns))
        {
            ns = new KnownNamespace(new NamespaceRecord { Key = key });
            known.Add(key, ns);
        }

        return ns;
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

        return new Dictionary<int, string>();
    }

    private string ReadText(string path) => Encoding.UTF8.GetString(ReadBytes(path));

    /// <summary>Reads a whole proc file into a reused buffer (proc files report size 0, so read until EOF).</summary>
    private ReadOnlySpan<byte> ReadBytes(string path)
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

    private static bool IsGone(Exception e) =>
        e is FileNotFoundException or DirectoryNotFoundException || (e is IOException && e.HResult == ProcLink.Esrch);

    private enum Outcome
    {
        Ok,
        Gone,
        Denied,
    }

    private sealed record PasswdCache(string Path, DateTime Modified, long Length, IReadOnlyDictionary<int, string> Users);

    /// <summary>A namespace being collected, with a few files through which it can be opened again.</summary>
    private sealed class KnownNamespace(NamespaceRecord record)
    {
        private readonly List<string> _procDirs = [];
        private readonly List<string> _paths = [];

        public NamespaceRecord Record { get; } = record;

        /// <summary>/proc/&lt;pid&gt; or /proc/&lt;pid&gt;/task/&lt;tid&gt; directories whose links point here.</summary>
        public IReadOnlyList<string> ProcDirs => _procDirs;

        /// <summary>nsfs bind mounts reached through a process root, and /proc/&lt;pid&gt;/fd/&lt;n&gt; entries.</summary>
        public IReadOnlyList<string> Paths => _paths;

        /// <summary>The record, with the ways to open it that the scan found.</summary>
        public NamespaceRecord Publish()
        {
            var typeName = Record.Type.ToKernelName();
            Record.OpenPaths = [.. _procDirs.Select(d => Path.Join(d, "ns", typeName)), .. _paths];
            return Record;
        }

        public void AddProcDir(string dir)
        {
            if (_procDirs.Count < MaxOpenCandidates)
            {
                _procDirs.Add(dir);
            }
        }

        public void AddPath(string path)
        {
            if (_paths.Count < MaxOpenCandidates && !_paths.Contains(path))
            {
                _paths.Add(path);
            }
        }
    }
}
