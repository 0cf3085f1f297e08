using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.State;

/// <summary>
/// One consistent picture of the host, built from a /proc scan and a Docker collection. Immutable: requests
/// read it without locks while the next one is being built.
/// </summary>
internal sealed class HostState
{
    public required StatusInfo Status { get; init; }
    public required IReadOnlyList<ContainerInfo> Containers { get; init; }
    public required IReadOnlyList<DockerNetworkInfo> Networks { get; init; }
    public required IReadOnlyDictionary<int, ProcessInfo> Processes { get; init; }
    public required IReadOnlyDictionary<NamespaceKey, NamespaceDetail> Namespaces { get; init; }
    /// <summary>Summaries in display order (type, then inode), made once per state.</summary>
    public required IReadOnlyList<NamespaceSummary> NamespaceList { get; init; }
    /// <summary>Every network namespace, the host's initial one first, then by inode.</summary>
    public required IReadOnlyList<NetnsInfo> NetworkNamespaceList { get; init; }
    public required IReadOnlyDictionary<ulong, NetnsInfo> NetworkNamespaces { get; init; }
    public required TopologyGraph Topology { get; init; }
    /// <summary>
    /// Worked out when first asked for, not with every state: only <c>GET /api/topology/reachability</c> reads it
    /// (the live stream does not carry it: see <c>LiveSnapshot</c>).
    /// </summary>
    public ReachabilityReport Reachability =>
        LazyInitializer.EnsureInitialized(ref _reachability, () => ReachabilityBuilder.Build(Containers, Networks, NetworkNamespaceList));

    private ReachabilityReport? _reachability;

    /// <summary>Monotonic timestamp (Stopwatch) at which collection began; newer requests need a later one.</summary>
    public required long StartedAt { get; init; }

    /// <summary>
    /// The live service's event sequence this state covers: every event it was told of up to this number is in it
    /// (0 where no live service built it).
    /// </summary>
    public long EventSequence { get; init; }
}
