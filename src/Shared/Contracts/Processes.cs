namespace Dashboard.Shared.Contracts;

/// <summary>A process with its eight namespaces: <c>GET /api/processes/{pid}</c>.</summary>
public sealed record ProcessInfo
{
    /// <summary>Host PID.</summary>
    public required int Pid { get; init; }
    /// <summary>The parent's host PID.</summary>
    public required int Ppid { get; init; }
    /// <summary>The PID in each nested PID namespace, outermost (host) first, from <c>NSpid</c>.</summary>
    public required IReadOnlyList<int> NsPids { get; init; }
    /// <summary>The command line (or <c>[name]</c> for kernel threads).</summary>
    public required string Command { get; init; }
    /// <summary>The short name from <c>/proc/&lt;pid&gt;/comm</c>.</summary>
    public required string Name { get; init; }
    /// <summary>Real uid.</summary>
    public required int Uid { get; init; }
    /// <summary>The owner's user name, or the numeric uid when it has none.</summary>
    public required string User { get; init; }
    /// <summary>Start time in clock ticks after boot; with <see cref="Pid"/> it identifies the process (PIDs are reused).</summary>
    public required ulong StartTime { get; init; }
    /// <summary>The process's namespace inode per type; a type is missing when its link could not be read.</summary>
    public required IReadOnlyDictionary<NamespaceType, ulong> Namespaces { get; init; }
    /// <summary>Threads whose namespaces differ from the process's, with the differing inodes.</summary>
    public required IReadOnlyList<ThreadNamespaces> Threads { get; init; }
    /// <summary>The container whose process this is (its init or a descendant in its PID namespace), if any.</summary>
    public ContainerRef? Container { get; init; }
}

/// <summary>A thread whose namespaces differ from those of its process.</summary>
public sealed record ThreadNamespaces
{
    /// <summary>The thread id.</summary>
    public required int Tid { get; init; }
    /// <summary>Only the types whose inode differs from the process's.</summary>
    public required IReadOnlyDictionary<NamespaceType, ulong> Namespaces { get; init; }
}
