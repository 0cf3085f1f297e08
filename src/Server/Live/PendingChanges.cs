using Dashboard.Server.Collection.Events;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;

namespace Dashboard.Server.Live;

/// <summary>
/// What the event sources reported since the last refresh took its changes, folded into what that refresh must
/// read again. Every report also advances <see cref="Sequence"/>, so that a request can wait until a refresh has
/// taken everything received before it. Thread-safe: sources report from their own threads.
/// </summary>
internal sealed class PendingChanges
{
    private readonly Lock _lock = new();
    private HashSet<int> _changed = [];
    private HashSet<int> _exited = [];
    private HashSet<int> _execs = [];
    private HashSet<ulong> _mountTables = [];
    private HashSet<ulong> _netns = [];
    private bool _allProcesses;
    private bool _allMountTables;
    private bool _allNetns;
    private bool _docker;
    private long _sequence;

    /// <summary>Advanced by every report; a refresh that took <see cref="Taken.Sequence"/> covers every report up to it.</summary>
    public long Sequence
    {
        get
        {
            lock (_lock)
            {
                return _sequence;
            }
        }
    }

    /// <summary>Whether anything was reported since the last <see cref="Take"/>.</summary>
    public bool Any
    {
        get
        {
            lock (_lock)
            {
                return AnyLocked();
            }
        }
    }

    /// <summary>
    /// A process event. Threads are left out: a thread's clone or exit changes no namespace a process shows (a thread
    /// that setns'd without an exec is for the full rescan). An exit drops the process at once rather than reading it
    /// again: it is a zombie until reaped, and no event says when that happens.
    /// </summary>
    public void Add(ProcEvent e)
    {
        lock (_lock)
        {
            _sequence++;
            switch (e)
            {
                case ProcFork fork when fork.ChildPid == fork.ChildTgid:
                    _changed.Add(fork.ChildTgid);
                    break;
                case ProcExec exec:
                    _changed.Add(exec.Tgid);
                    _execs.Add(exec.Tgid);
                    break;
                case ProcExit exit when exit.Pid == exit.Tgid:
                    // A PID exited and then reused within one batch stays in both: the update drops, then reads it.
                    _changed.Remove(exit.Tgid);
                    _execs.Remove(exit.Tgid);
                    _exited.Add(exit.Tgid);
                    break;
                case ProcEventsLost:
                    _allProcesses = true;
                    break;
            }
        }
    }

    /// <summary>Process events are not to be had (any more): the next refresh walks every process.</summary>
    public void AllProcesses() => Set(ref _allProcesses);

    /// <summary>The mount table of this mount namespace changed.</summary>
    public void MountTableChanged(ulong mountNamespace)
    {
        lock (_lock)
        {
            _sequence++;
            _mountTables.Add(mountNamespace);
        }
    }

    /// <summary>Mount events were lost, or are to be polled: read every mount table.</summary>
    public void AllMountTables() => Set(ref _allMountTables);

    /// <summary>Links, addresses or routes of this network namespace changed.</summary>
    public void NetnsChanged(ulong netns)
    {
        lock (_lock)
        {
            _sequence++;
            _netns.Add(netns);
        }
    }

    /// <summary>Network events were lost, or are to be polled: read every network namespace.</summary>
    public void AllNetns() => Set(ref _allNetns);

    /// <summary>The engine reported an event, was lost or came back.</summary>
    public void DockerChanged() => Set(ref _docker);

    /// <summary>Everything reported so far, cleared for the next refresh.</summary>
    public Taken Take()
    {
        lock (_lock)
        {
            var taken = MakeLocked(_changed, _exited, _execs, _mountTables, _netns);
            (_changed, _exited, _execs, _mountTables, _netns) = ([], [], [], [], []);
            (_allProcesses, _allMountTables, _allNetns, _docker) = (false, false, false, false);
            return taken;
        }
    }

    /// <summary>Everything reported so far, left in place.</summary>
    public Taken Peek()
    {
        lock (_lock)
        {
            return MakeLocked([.. _changed], [.. _exited], [.. _execs], [.. _mountTables], [.. _netns]);
        }
    }

    private Taken MakeLocked(HashSet<int> changed, HashSet<int> exited, HashSet<int> execs, HashSet<ulong> mountTables, HashSet<ulong> netns) => new(
        new ProcDelta
        {
            Changed = changed,
            Exited = exited,
            MountTables = mountTables,
            AllProcesses = _allProcesses,
            AllMountTables = _allMountTables,
        },
        execs,
        new NetDelta { Changed = netns, All = _allNetns },
        _docker,
        _sequence);

    private void Set(ref bool flag)
    {
        lock (_lock)
        {
            _sequence++;
            flag = true;
        }
    }

    private bool AnyLocked() =>
        _changed.Count > 0 || _exited.Count > 0 || _mountTables.Count > 0 || _netns.Count > 0
        || _allProcesses || _allMountTables || _allNetns || _docker;
}

/// <summary>What one refresh took from <see cref="PendingChanges"/>.</summary>
/// <param name="Execs">Processes that exec'd: a new program may listen, so their network namespaces' sockets are read again.</param>
/// <param name="Docker">Whether the engine's containers and networks are to be listed again.</param>
/// <param name="Sequence">The reports this covers: every one up to this number.</param>
internal sealed record Taken(ProcDelta Proc, IReadOnlySet<int> Execs, NetDelta Net, bool Docker, long Sequence)
{
    public bool IsEmpty => Proc.IsEmpty && Net.Changed.Count == 0 && !Net.All && !Docker;
}
