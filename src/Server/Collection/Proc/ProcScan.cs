using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Proc;

/// <summary>Everything one pass over the proc root found. Immutable once built.</summary>
internal sealed class ProcScan
{
    public required string ProcRoot { get; init; }
    public required IReadOnlyList<ProcessRecord> Processes { get; init; }
    /// <summary>Every namespace known: from process links, thread links, nsfs bind mounts, open fds, and owners/parents.</summary>
    public required IReadOnlyDictionary<NamespaceKey, NamespaceRecord> Namespaces { get; init; }
    /// <summary>The host's initial namespace per type (those of PID 2, else PID 1); a type is missing when neither is readable.</summary>
    public required IReadOnlyDictionary<NamespaceType, ulong> InitialNamespaces { get; init; }
    /// <summary>Processes that exist but whose namespace links could not be read (EACCES/EPERM), not counting races.</summary>
    public required int UnreadableProcessCount { get; init; }
    /// <summary>Socket inode → PIDs holding an fd on it, in PID order (from the fd pass; empty when that pass is off).</summary>
    public IReadOnlyDictionary<ulong, IReadOnlyList<int>> SocketOwners { get; init; } = new Dictionary<ulong, IReadOnlyList<int>>();
    /// <summary>
    /// When the descriptor pass behind <see cref="SocketOwners"/> and the namespaces' OpenDescriptors ran: this scan, or
    /// an earlier one whose findings were reused (see <c>ProcScanner.FullPassInterval</c>). Null when descriptors
    /// are not scanned.
    /// </summary>
    public DateTimeOffset? DescriptorsScannedAt { get; init; }
    /// <summary>
    /// Each mount namespace whose mount table this scan knows, with the PID it was read through: the process through
    /// which its table can be followed.
    /// </summary>
    public IReadOnlyDictionary<ulong, int> MountTables { get; init; } = new Dictionary<ulong, int>();
    public required DateTimeOffset ScannedAt { get; init; }
    public required TimeSpan Duration { get; init; }
    public ScanKind Kind { get; init; } = ScanKind.FullPass;

    /// <summary>How many processes are in each namespace (threads not counted), worked out when first asked for.</summary>
    public IReadOnlyDictionary<NamespaceKey, int> MemberCounts => LazyInitializer.EnsureInitialized(ref _memberCounts, () =>
    {
        var counts = new Dictionary<NamespaceKey, int>();
        foreach (var process in Processes)
        {
            foreach (var (type, inode) in process.Namespaces)
            {
                var key = new NamespaceKey(type, inode);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }

        return counts;
    });

    private Dictionary<NamespaceKey, int>? _memberCounts;
}

/// <summary>How much a scan read afresh.</summary>
internal enum ScanKind
{
    /// <summary>Every process, every mount table, every open descriptor.</summary>
    FullPass,
    /// <summary>Every process's links and stat and every mount table; descriptors as the last full pass found them.</summary>
    Rescan,
    /// <summary>Only what a <see cref="ProcDelta"/> named; the rest as the previous scan had it.</summary>
    Update,
}

/// <summary>What changed since the previous scan, as the kernel's events told it: what an update has to read again.</summary>
internal sealed record ProcDelta
{
    /// <summary>Read everything again, as a rescan does.</summary>
    public static ProcDelta Everything { get; } = new() { AllProcesses = true, AllMountTables = true };

    /// <summary>Processes (by PID = tgid) that forked, exec'd or are otherwise to be read again in full.</summary>
    public IReadOnlyCollection<int> Changed { get; init; } = [];
    /// <summary>Processes that exited.</summary>
    public IReadOnlyCollection<int> Exited { get; init; } = [];
    /// <summary>Mount namespaces (by inode) whose mount tables changed.</summary>
    public IReadOnlySet<ulong> MountTables { get; init; } = new HashSet<ulong>();
    /// <summary>No process events to go by: walk every process of the proc root.</summary>
    public bool AllProcesses { get; init; }
    /// <summary>No mount events to go by (or some were lost): read every mount table.</summary>
    public bool AllMountTables { get; init; }

    public bool IsEmpty => !AllProcesses && !AllMountTables && Changed.Count == 0 && Exited.Count == 0 && MountTables.Count == 0;
}

internal sealed class ProcessRecord
{
    public required int Pid { get; init; }
    public required int Ppid { get; init; }
    /// <summary>NSpid: host PID first, then the PID in each nested PID namespace.</summary>
    public required IReadOnlyList<int> NsPids { get; init; }
    public required string Name { get; init; }
    /// <summary>cmdline with NULs as spaces, or <c>[name]</c> when empty (kernel threads, zombies).</summary>
    public required string Command { get; init; }
    public required int Uid { get; init; }
    public required string User { get; init; }
    /// <summary>Field 22 of stat, in clock ticks since boot.</summary>
    public required ulong StartTime { get; init; }
    public required IReadOnlyDictionary<NamespaceType, ulong> Namespaces { get; init; }
    /// <summary>Threads (tid != pid) with at least one namespace differing from the process's; only the differing types.</summary>
    public required IReadOnlyList<ThreadRecord> Threads { get; init; }
}

internal sealed record ThreadRecord(int Tid, IReadOnlyDictionary<NamespaceType, ulong> Namespaces);

internal sealed class NamespaceRecord
{
    public required NamespaceKey Key { get; init; }
    public NamespaceType Type => Key.Type;
    public ulong Inode => Key.Inode;
    /// <summary>Owning user namespace (NS_GET_USERNS); null when EPERM (outside our scope) or for the initial user ns.</summary>
    public ulong? OwnerInode { get; set; }
    /// <summary>Parent (NS_GET_PARENT), only for pid and user types.</summary>
    public ulong? ParentInode { get; set; }
    /// <summary>nsfs mount points, as paths seen from inside the mount namespace that has them (deduplicated).</summary>
    public List<string> BindMounts { get; } = [];
    public List<FileDescriptorRef> OpenDescriptors { get; } = [];
    /// <summary>For user namespaces, read from a process in it; null otherwise or when unknown.</summary>
    public IReadOnlyList<IdMapRange>? UidMap { get; set; }
    public IReadOnlyList<IdMapRange>? GidMap { get; set; }
    /// <summary>True when found only as the owner (or parent) of another namespace: no process, mount or fd led to it.</summary>
    public bool FoundAsOwner { get; set; }
    public bool FoundAsParent { get; set; }
    /// <summary>
    /// Paths that opened this namespace during the scan, best first: <c>&lt;procRoot&gt;/&lt;pid&gt;/ns/&lt;type&gt;</c> of
    /// member processes (or threads), then bind mounts reached through a process root and <c>fd</c> entries. Any may
    /// have gone stale since (PIDs are reused): whoever opens one checks the inode it gets. Empty for namespaces known
    /// only as an owner or parent.
    /// </summary>
    public IReadOnlyList<string> OpenPaths { get; set; } = [];
}
