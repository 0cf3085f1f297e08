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

internal interface INetworkSource
{
    /// <summary>Reads each network namespace of <paramref name="scan"/>. Namespaces that vanished meanwhile carry an error.</summary>
    NetworkCollection Collect(ProcScan scan);
}

/// <summary>
/// Reads every network namespace a proc scan found, through the paths the scan opened it by, and pairs veth ends.
/// No child process, no packet: rtnetlink and sock_diag dumps, RTM_GETNSID questions, and /proc/&lt;pid&gt;/net files
/// only where sock_diag is refused.
/// </summary>
internal sealed class NetworkCollector(ILogger<NetworkCollector> logger) : INetworkSource
{
    private static readonly string[] s_socketFiles = ["tcp", "tcp6", "udp", "udp6"];

    // One reader for all: it is thread-safe and its sequence numbers need not restart.
    private readonly NetnsReader _reader = new();

    public NetworkCollection Collect(ProcScan scan)
    {
        var snapshots = new Dictionary<ulong, NetnsSnapshot>();
        var pathOf = new Dictionary<ulong, string>();
        var collected = new Dictionary<ulong, CollectedNetns>();
        var members = LowestMemberPids(scan);
        var (reading, sockets) = (new Stopwatch(), new Stopwatch());
        foreach (var record in scan.Namespaces.Values.Where(n => n.Type == NamespaceType.Net).OrderBy(n => n.Inode))
        {
            reading.Start();
            NetnsSnapshot? snapshot = null;
            string? error = "no path opens it any more";
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
                    pathOf[record.Inode] = path;
                    break;
                }
            }

            reading.Stop();
            if (snapshot is null)
            {
                logger.LogDebug("Network namespace {Inode} not read: {Error}", record.Inode, error);
            }

            sockets.Start();
            collected[record.Inode] = new CollectedNetns
            {
                Inode = record.Inode,
                Snapshot = snapshot,
                Error = snapshot is null ? error : null,
                Sockets = snapshot?.ListeningSockets
                    ?? (members.TryGetValue(record.Inode, out var pid) ? ReadSockets(scan.ProcRoot, pid, record.Key) : []),
            };
            sockets.Stop();
        }

        var pairing = Stopwatch.StartNew();
        var peers = VethPeers.Resolve(snapshots, ResolveNetnsIds(scan, snapshots, pathOf));
        // Phase timings, as the scan logs its own: which part of a slow collection to look at.
        logger.LogDebug(
            "Network collection of {Count} namespaces in ms: netlink dumps {Reading:F1}, /proc sockets where sock_diag was refused {Sockets:F1}, veth pairing {Pairing:F1}",
            collected.Count, reading.Elapsed.TotalMilliseconds, sockets.Elapsed.TotalMilliseconds, pairing.Elapsed.TotalMilliseconds);
        return new NetworkCollection { Namespaces = collected, VethPeers = peers };
    }

    /// <summary>Asks each reporting namespace only about the namespaces that could be behind its netnsids.</summary>
    private Dictionary<NetnsIdKey, ulong> ResolveNetnsIds(ProcScan scan, Dictionary<ulong, NetnsSnapshot> snapshots, Dictionary<ulong, string> pathOf)
    {
        var resolved = new Dictionary<NetnsIdKey, ulong>();
        foreach (var byReporter in VethPeers.Candidates(snapshots).GroupBy(kv => kv.Key.Reporter))
        {
            var candidates = byReporter.SelectMany(kv => kv.Value).Distinct()
                .Select(inode => new NetnsCandidate(inode, pathOf.TryGetValue(inode, out var read) ? [read] : []))
                .Where(c => c.OpenPaths.Count > 0)
                .ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var ids = _reader.TryQueryNetnsIds(pathOf[byReporter.Key], candidates, out var error);
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
}
