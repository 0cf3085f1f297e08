using System.Diagnostics;
using System.Globalization;
using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Net;

/// <summary>One network namespace as collected: what rtnetlink said (or why it could not), and its listening sockets.</summary>
internal sealed record CollectedNetns
{
    public required ulong Inode { get; init; }
    public NetnsSnapshot? Snapshot { get; init; }
    /// <summary>Why <see cref="Snapshot"/> is missing: no path opened the namespace any more, or the kernel refused.</summary>
    public string? Error { get; init; }
    /// <summary>
    /// Over sock_diag; where the kernel refuses it, from <c>/proc/&lt;pid&gt;/net/*</c> of a member process, and then
    /// empty when no process is in the namespace.
    /// </summary>
    public required IReadOnlyList<ListeningSocket> Sockets { get; init; }
}

/// <summary>Every network namespace of one scan, and which veth end is paired with which.</summary>
internal sealed record NetworkCollection
{
    public static NetworkCollection Empty { get; } = new() { Namespaces = new Dictionary<ulong, CollectedNetns>(), VethPeers = new Dictionary<InterfaceKey, InterfaceKey>() };

    public required IReadOnlyDictionary<ulong, CollectedNetns> Namespaces { get; init; }
    public required IReadOnlyDictionary<InterfaceKey, InterfaceKey> VethPeers { get; init; }
}

/// <summary>Which network namespaces changed since the previous collection, as rtnetlink's events told it.</summary>
internal sealed record NetDelta
{
    /// <summary>Read every namespace again.</summary>
    public static NetDelta Everything { get; } = new() { All = true };

    /// <summary>Namespaces (by inode) whose links, addresses, routes or sockets may have changed.</summary>
    public IReadOnlySet<ulong> Changed { get; init; } = new HashSet<ulong>();

    /// <summary>No events to go by (or some were lost): read every namespace.</summary>
    public bool All { get; init; }
}

internal interface INetworkSource
{
    /// <summary>Reads each network namespace of <paramref name="scan"/>. Namespaces that vanished meanwhile carry an error.</summary>
    NetworkCollection Collect(ProcScan scan) => Collect(scan, NetDelta.Everything);

    /// <summary>
    /// Reads the namespaces of <paramref name="scan"/> that <paramref name="delta"/> names or that are new, and takes the
    /// others as the previous collection read them.
    /// </summary>
    NetworkCollection Collect(ProcScan scan, NetDelta delta);
}

/// <summary>
/// Reads every network namespace a proc scan found, through the paths the scan opened it by, and pairs veth ends.
/// No child process, no packet: rtnetlink and sock_diag dumps, RTM_GETNSID questions, and /proc/&lt;pid&gt;/net files
/// only where sock_diag is refused. What it read is kept, so that a collection after an event reads only the
/// namespaces that changed; nothing kept holds a namespace (no descriptor stays open).
/// Not thread-safe: one collection at a time, as the live loop runs them.
/// </summary>
internal sealed class NetworkCollector(ILogger<NetworkCollector> logger) : INetworkSource
{
    private static readonly string[] s_socketFiles = ["tcp", "tcp6", "udp", "udp6"];

    // One reader for all: it is thread-safe and its sequence numbers need not restart.
    private readonly NetnsReader _reader = new();
    private Dictionary<ulong, Kept> _kept = [];
    private Dictionary<NetnsIdKey, ulong> _netnsIds = [];

    public NetworkCollection Collect(ProcScan scan) => Collect(scan, NetDelta.Everything);

    public NetworkCollection Collect(ProcScan scan, NetDelta delta)
    {
        var snapshots = new Dictionary<ulong, NetnsSnapshot>();
        var pathOf = new Dictionary<ulong, string>();
        var unverified = new Dictionary<ulong, IReadOnlyList<string>>();
        var collected = new Dictionary<ulong, CollectedNetns>();
        var kept = new Dictionary<ulong, Kept>();
        var members = LowestMemberPids(scan);
        var (reading, sockets) = (new Stopwatch(), new Stopwatch());
        var read = 0;
        foreach (var record in scan.Namespaces.Values.Where(n => n.Type == NamespaceType.Net).OrderBy(n => n.Inode))
        {
            // A namespace read fine before and not named since is as it was: rtnetlink would have said otherwise.
            if (!delta.All && !delta.Changed.Contains(record.Inode) && _kept.TryGetValue(record.Inode, out var before))
            {
                kept[record.Inode] = before;
                collected[record.Inode] = before.Collected;
                snapshots[record.Inode] = before.Collected.Snapshot!;
                // Checked before use: the path it was read through may lead elsewhere by now.
                unverified[record.Inode] = [before.Path, .. record.OpenPaths];
                continue;
            }

            read++;
            reading.Start();
            NetnsSnapshot? snapshot = null;
            string? error = "no path opens it any more";
            string? readThrough = null;
            foreach (var path in record.OpenPaths)
            {
                // The scan's paths may lead elsewhere by now (a PID reused): only the namespace itself will do.
                if (NsIoctl.Identify(path) != record.Key)
                {
                    continue;
                }

                snapshot = _reader.TryRead(path, out error);
                if (snapshot is not null)
                {
                    snapshots[record.Inode] = snapshot;
                    pathOf[record.Inode] = readThrough = path;
                    break;
                }
            }

            reading.Stop();
            if (snapshot is null)
            {
                logger.LogDebug("Network namespace {Inode} not read: {Error}", record.Inode, error);
            }

            sockets.Start();
            var netns = new CollectedNetns
            {
                Inode = record.Inode,
                Snapshot = snapshot,
                Error = snapshot is null ? error : null,
                Sockets = snapshot?.ListeningSockets
                    ?? (members.TryGetValue(record.Inode, out var pid) ? ReadSockets(scan.ProcRoot, pid, record.Key) : []),
            };
            sockets.Stop();
            collected[record.Inode] = netns;
            // Only what was read whole is kept: a namespace that could not be read is tried again next time.
            if (snapshot is not null && snapshot.ListeningSockets is not null)
            {
                kept[record.Inode] = new Kept(netns, readThrough!);
            }
        }

        _kept = kept;
        var pairing = Stopwatch.StartNew();
        var peers = VethPeers.Resolve(snapshots, ResolveNetnsIds(snapshots, new NetnsPaths(pathOf, unverified), delta.All));
        // Phase timings, as the scan logs its own: which part of a slow collection to look at.
        logger.LogDebug(
            "Network collection of {Count} namespaces ({Read} read) in ms: netlink dumps {Reading:F1}, /proc sockets where sock_diag was refused {Sockets:F1}, veth pairing {Pairing:F1}",
            collected.Count, read, reading.Elapsed.TotalMilliseconds, sockets.Elapsed.TotalMilliseconds, pairing.Elapsed.TotalMilliseconds);
        return new NetworkCollection { Namespaces = collected, VethPeers = peers };
    }

    /// <summary>
    /// Asks each reporting namespace only about the namespaces that could be behind its netnsids. An answer is kept
    /// while both namespaces live and the candidates still include it (a netnsid names one namespace for as long as
    /// both exist); <paramref name="afresh"/> asks everything again.
    /// </summary>
    private Dictionary<NetnsIdKey, ulong> ResolveNetnsIds(Dictionary<ulong, NetnsSnapshot> snapshots, NetnsPaths paths, bool afresh)
    {
        var resolved = new Dictionary<NetnsIdKey, ulong>();
        var unknown = new List<KeyValuePair<NetnsIdKey, IReadOnlyList<ulong>>>();
        foreach (var candidate in VethPeers.Candidates(snapshots))
        {
            if (!afresh && _netnsIds.TryGetValue(candidate.Key, out var known) && candidate.Value.Contains(known))
            {
                resolved[candidate.Key] = known;
            }
            else
            {
                unknown.Add(candidate);
            }
        }

        foreach (var byReporter in unknown.GroupBy(kv => kv.Key.Reporter))
        {
            var candidates = byReporter.SelectMany(kv => kv.Value).Distinct()
                .Select(inode => new NetnsCandidate(inode, paths.Of(inode) is { } path ? [path] : []))
                .Where(c => c.OpenPaths.Count > 0)
                .ToList();
            if (candidates.Count == 0 || paths.Of(byReporter.Key) is not { } reporterPath)
            {
                continue;
            }

            var ids = _reader.TryQueryNetnsIds(reporterPath, candidates, out var error);
            if (ids is null)
            {
                logger.LogDebug("Netnsids of network namespace {Inode} not resolved: {Error}", byReporter.Key, error);
                continue;
            }

            foreach (var (inode, id) in ids)
            {
                resolved[new NetnsIdKey(byReporter.Key, id)] = inode;
            }
        }

        _netnsIds = resolved;
        return resolved;
    }

    private static Dictionary<ulong, int> LowestMemberPids(ProcScan scan)
    {
        var result = new Dictionary<ulong, int>();
        foreach (var process in scan.Processes)
        {
            if (process.Namespaces.TryGetValue(NamespaceType.Net, out var inode) && (!result.TryGetValue(inode, out var pid) || process.Pid < pid))
            {
                result[inode] = process.Pid;
            }
        }

        return result;
    }

    private List<ListeningSocket> ReadSockets(string procRoot, int pid, NamespaceKey key)
    {
        var dir = Path.Join(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        var sockets = new List<ListeningSocket>();
        foreach (var file in s_socketFiles)
        {
            try
            {
                sockets.AddRange(ProcNetSockets.ParseListening(File.ReadAllText(Path.Join(dir, "net", file)), file));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process exited, or this kernel lacks the file (tcp6 without IPv6).
                logger.LogDebug("{File} of process {Pid} not read: {Message}", file, pid, e.Message);
            }
        }

        // Read after the files, so a PID that was reused while we read is caught.
        return ProcLink.Read(Path.Join(dir, "ns", "net"), out _) == key.ToString() ? sockets : [];
    }

    /// <summary>A path to each namespace: the one read through now, else the first that still opens the namespace itself.</summary>
    private sealed class NetnsPaths(Dictionary<ulong, string> verified, Dictionary<ulong, IReadOnlyList<string>> unverified)
    {
        public string? Of(ulong inode)
        {
            if (verified.TryGetValue(inode, out var path))
            {
                return path;
            }

            var key = new NamespaceKey(NamespaceType.Net, inode);
            if (unverified.Remove(inode, out var candidates) && candidates.FirstOrDefault(p => NsIoctl.Identify(p) == key) is { } found)
            {
                verified[inode] = found;
                return found;
            }

            return null;
        }
    }

    /// <summary>A namespace as last read whole, and the path it was read through (checked again before it is used).</summary>
    private sealed record Kept(CollectedNetns Collected, string Path);
}
