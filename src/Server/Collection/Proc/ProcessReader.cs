using System.Globalization;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Proc;

/// <summary>What one pass over the processes found.</summary>
/// <param name="Processes">Readable processes by PID.</param>
/// <param name="Unreadable">Processes whose namespace links were refused (EACCES/EPERM).</param>
/// <param name="Continuing">
/// Namespaces that a process seen by the previous pass (same PID and start time) was in then and is in now. Such a
/// namespace has lived throughout, so it is the same one as then, not a new one that got a freed inode.
/// </param>
/// <param name="ReadInFull">Processes whose status and cmdline were read in this pass.</param>
internal sealed record ProcessPass(List<ProcessRecord> Processes, int Unreadable, HashSet<NamespaceKey> Continuing, int ReadInFull);

/// <summary>
/// Reads every process of a proc root, remembering each by PID and start time. A process seen before costs its stat
/// line, its namespace links and those of its threads; status and cmdline are read again only when stat shows an exec
/// (another comm or memory image) or when the caller asks for a full reread. A PID that comes back with another start
/// time is a new process. Processes come and go while it reads: one that vanishes part-way is skipped, never an error.
/// </summary>
internal sealed class ProcessReader(string procRoot, ILogger logger, ProcFileReader files)
{
    private static readonly string[] s_nsLinkNames = [.. NamespaceTypes.All.Select(t => "ns/" + t.ToKernelName())];

    private Dictionary<int, Seen> _seen = [];
    private IReadOnlyDictionary<int, string>? _users;
    private HashSet<int> _denied = [];

    public ProcessPass Read(IReadOnlyDictionary<int, string> users, bool rereadDetails)
    {
        var usersChanged = !ReferenceEquals(users, _users);
        _users = users;
        var seen = new Dictionary<int, Seen>(_seen.Count);
        var processes = new List<ProcessRecord>(_seen.Count);
        var continuing = new HashSet<NamespaceKey>();
        var denied = new HashSet<int>();
        var readInFull = 0;

        foreach (var pid in EnumeratePids())
        {
            var before = _seen.GetValueOrDefault(pid);
            var outcome = TryRead(pid, before, users, rereadDetails || usersChanged, out var now, out var fullRead);
            if (outcome == Outcome.Denied)
            {
                denied.Add(pid);
            }

            if (now is null)
            {
                continue;
            }

            seen.Add(pid, now);
            processes.Add(now.Record);
            readInFull += fullRead ? 1 : 0;
            if (before is not null && before.Record.StartTime == now.Record.StartTime)
            {
                foreach (var (type, inode) in now.Record.Namespaces)
                {
                    if (before.Record.Namespaces.TryGetValue(type, out var earlier) && earlier == inode)
                    {
                        continuing.Add(new NamespaceKey(type, inode));
                    }
                }
            }
        }

        _seen = seen;
        _denied = denied;
        processes.Sort((a, b) => a.Pid.CompareTo(b.Pid));
        return new ProcessPass(processes, denied.Count, continuing, readInFull);
    }

    /// <summary>
    /// Starts from what the last pass saw and reads again only <paramref name="changed"/> (forked, exec'd, or named by
    /// someone as missing), in full, and drops <paramref name="exited"/>; every other process is taken as it was, with
    /// its namespaces continuing. What this cannot see is a process that changed namespace without an exec (setns,
    /// unshare) and was not named: the next <see cref="Read"/> finds it.
    /// </summary>
    public ProcessPass Update(IReadOnlyDictionary<int, string> users, IReadOnlyCollection<int> changed, IReadOnlyCollection<int> exited)
    {
        if (!ReferenceEquals(users, _users))
        {
            // A changed passwd renames users of every process: a whole pass is the simple way to get that right.
            return Read(users, rereadDetails: true);
        }

        var seen = new Dictionary<int, Seen>(_seen);
        foreach (var pid in exited)
        {
            seen.Remove(pid);
        }

        var denied = new HashSet<int>(_denied);
        denied.ExceptWith(exited);
        var readInFull = 0;
        var touched = new HashSet<int>();
        foreach (var pid in changed)
        {
            if (!touched.Add(pid))
            {
                continue;
            }

            // An exec changes status and cmdline, so they are read again whatever stat says.
            var before = seen.GetValueOrDefault(pid);
            var outcome = TryRead(pid, before, users, rereadDetails: true, out var now, out var fullRead);
            if (outcome == Outcome.Denied)
            {
                denied.Add(pid);
            }
            else
            {
                denied.Remove(pid);
            }

            if (now is null)
            {
                seen.Remove(pid);
                continue;
            }

            seen[pid] = now;
            readInFull += fullRead ? 1 : 0;
        }

        var processes = new List<ProcessRecord>(seen.Count);
        var continuing = new HashSet<NamespaceKey>();
        foreach (var (pid, now) in seen)
        {
            processes.Add(now.Record);
            var before = _seen.GetValueOrDefault(pid);
            if (before is null || before.Record.StartTime != now.Record.StartTime)
            {
                continue;
            }

            foreach (var (type, inode) in now.Record.Namespaces)
            {
                if (before.Record.Namespaces.TryGetValue(type, out var earlier) && earlier == inode)
                {
                    continuing.Add(new NamespaceKey(type, inode));
                }
            }
        }

        _seen = seen;
        _denied = denied;
        processes.Sort((a, b) => a.Pid.CompareTo(b.Pid));
        return new ProcessPass(processes, denied.Count, continuing, readInFull);
    }

    private List<int> EnumeratePids()
    {
        // Materialised so the enumeration handle is not held open while each process is read.
        var pids = new List<int>(_seen.Count + 16);
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (int.TryParse(Path.GetFileName(dir.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                pids.Add(pid);
            }
        }

        return pids;
    }

    private Outcome TryRead(int pid, Seen? before, IReadOnlyDictionary<int, string> users, bool rereadDetails, out Seen? now, out bool fullRead)
    {
        now = null;
        fullRead = false;
        var dir = Path.Join(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        var namespaces = new Dictionary<NamespaceType, ulong>(s_nsLinkNames.Length);
        var outcome = ReadNamespaceLinks(dir, namespaces);
        if (outcome != Outcome.Ok)
        {
            if (outcome == Outcome.Denied)
            {
                logger.LogDebug("Namespaces of process {Pid} are not readable", pid);
            }

            return outcome;
        }

        ProcStat? stat;
        try
        {
            stat = ProcParsers.ParseStat(files.ReadText(Path.Join(dir, "stat")));
        }
        catch (Exception e) when (ProcFileReader.IsGoneOrDenied(e))
        {
            logger.LogDebug("Process {Pid} went away while being read: {Message}", pid, e.Message);
            return Outcome.Gone;
        }

        if (stat is null)
        {
            logger.LogDebug("Process {Pid} has a stat file that does not parse", pid);
            return Outcome.Gone;
        }

        // Same PID and start time: the same process. Same comm and memory image as well: no exec since.
        var same = before is not null && before.Record.StartTime == stat.StartTime ? before : null;
        var details = same is not null && !rereadDetails && same.Comm == stat.Comm && same.Image == stat.Image
            ? same.Details
            : ReadDetails(pid, dir, users);
        if (details is null)
        {
            return Outcome.Gone;
        }

        fullRead = !ReferenceEquals(details, same?.Details);
        var threads = stat.Threads > 1 ? ReadDifferingThreads(pid, dir, namespaces) : [];
        var record = same?.Record;
        if (record is null || !ReferenceEquals(details, same!.Details) || record.Ppid != stat.Ppid
            || !SameNamespaces(record.Namespaces, namespaces) || !SameThreads(record.Threads, threads))
        {
            record = new ProcessRecord
            {
                Pid = pid,
                Ppid = stat.Ppid,
                NsPids = details.NsPids,
                Name = details.Name,
                Command = details.Command,
                Uid = details.Uid,
                User = details.User,
                StartTime = stat.StartTime,
                Namespaces = namespaces,
                Threads = threads,
            };
        }

        // Kept as shown rather than as stat said: if the comm changed between the stat and the status read, the
        // next scan sees that they differ and reads again.
        now = new Seen(record, details.Name, stat.Image, details);
        return Outcome.Ok;
    }

    /// <summary>What status and cmdline say; null when the process went away meanwhile.</summary>
    private Details? ReadDetails(int pid, string dir, IReadOnlyDictionary<int, string> users)
    {
        try
        {
            var status = ProcParsers.ParseStatus(files.ReadText(Path.Join(dir, "status")), pid);
            if (status is null)
            {
                logger.LogDebug("Process {Pid} has a status file that does not parse", pid);
                return null;
            }

            var command = ProcParsers.FormatCommand(files.ReadBytes(Path.Join(dir, "cmdline")), status.Name);
            var user = users.TryGetValue(status.Uid, out var name) ? name : status.Uid.ToString(CultureInfo.InvariantCulture);
            return new Details(status.Name, command, status.Uid, user, status.NsPids);
        }
        catch (Exception e) when (ProcFileReader.IsGoneOrDenied(e))
        {
            logger.LogDebug("Process {Pid} went away while being read: {Message}", pid, e.Message);
            return null;
        }
    }

    /// <summary>
    /// The namespaces a process is in now, from its eight links alone (no stat, status or cmdline); null when it is
    /// gone or not readable. For a quick look at whether a process joined a namespace not seen before.
    /// </summary>
    public static IReadOnlyCollection<NamespaceKey>? PeekNamespaces(string procRoot, int pid)
    {
        var dir = Path.Join(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        var keys = new List<NamespaceKey>(s_nsLinkNames.Length);
        foreach (var link in s_nsLinkNames)
        {
            if (ProcLink.Read(Path.Join(dir, link), out _) is { } target && ProcParsers.TryParseNamespaceLink(target, out var key))
            {
                keys.Add(key);
            }
        }

        return keys.Count > 0 ? keys : null;
    }

    /// <summary>Reads the eight ns links of a process or task directory (of a thread: all but pid and user).</summary>
    private Outcome ReadNamespaceLinks(string dir, Dictionary<NamespaceType, ulong> into, bool thread = false)
    {
        for (var i = 0; i < s_nsLinkNames.Length; i++)
        {
            // The threads of a process share its pid and user namespaces: the kernel refuses CLONE_THREAD once
            // pid_for_children differs from the active one, and refuses setns or unshare of a user namespace to a
            // multithreaded process. Two links fewer per thread is a quarter of a full rescan's thread reads.
            if (thread && NamespaceTypes.All[i] is NamespaceType.Pid or NamespaceType.User)
            {
                continue;
            }

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

                // ENOENT on one link is a type this kernel lacks, or a zombie (which keeps only pid and user); on all
                // of them, a process that exited.
                if (errno != ProcLink.Enoent)
                {
                    logger.LogDebug("readlink {Dir}/{Link} failed with errno {Errno}", dir, s_nsLinkNames[i], errno);
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

    /// <summary>Threads (other than the main one) with a namespace of their own; only the differing types.</summary>
    private List<ThreadRecord> ReadDifferingThreads(int pid, string dir, Dictionary<NamespaceType, ulong> processNamespaces)
    {
        var threads = new List<ThreadRecord>();
        List<string> taskDirs;
        try
        {
            taskDirs = [.. Directory.EnumerateDirectories(Path.Join(dir, "task"))];
        }
        catch (Exception e) when (ProcFileReader.IsGoneOrDenied(e))
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
            if (ReadNamespaceLinks(taskDir, links, thread: true) != Outcome.Ok)
            {
                continue;
            }

            Dictionary<NamespaceType, ulong>? differing = null;
            foreach (var (type, inode) in links)
            {
                if (!processNamespaces.TryGetValue(type, out var own) || own != inode)
                {
                    (differing ??= []).Add(type, inode);
                }
            }

            if (differing is not null)
            {
                threads.Add(new ThreadRecord(tid, differing));
            }
        }

        // Sorted so that the same threads compare equal however the directory happens to list them.
        threads.Sort((a, b) => a.Tid.CompareTo(b.Tid));
        return threads;
    }

    private static bool SameNamespaces(IReadOnlyDictionary<NamespaceType, ulong> a, IReadOnlyDictionary<NamespaceType, ulong> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var inode) && inode == kv.Value);

    private static bool SameThreads(IReadOnlyList<ThreadRecord> a, IReadOnlyList<ThreadRecord> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].Tid != b[i].Tid || !SameNamespaces(a[i].Namespaces, b[i].Namespaces))
            {
                return false;
            }
        }

        return true;
    }

    private enum Outcome
    {
        Ok,
        Gone,
        Denied,
    }

    /// <summary>What status and cmdline said, which only an exec (or setuid/setproctitle, seen at a full reread) changes.</summary>
    private sealed record Details(string Name, string Command, int Uid, string User, IReadOnlyList<int> NsPids);

    /// <param name="Comm">The name shown, which a comm in stat must equal for the details to be reused.</param>
    private sealed record Seen(ProcessRecord Record, string Comm, ExecImage Image, Details Details);
}
