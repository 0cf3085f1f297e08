using System.Text.Json;
using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Live;

/// <summary>
/// A built state with the serialized form of each thing in it, keyed as clients key them. Two states are compared
/// through these bytes: what a client would receive is what decides whether something changed.
/// </summary>
internal sealed class LiveFingerprints
{
    public required HostState State { get; init; }
    public required byte[] Status { get; init; }
    public required Dictionary<string, byte[]> Containers { get; init; }
    public required Dictionary<NamespaceKey, byte[]> Namespaces { get; init; }
    public required Dictionary<string, byte[]> Networks { get; init; }
    public required Dictionary<ulong, byte[]> NetworkNamespaces { get; init; }
    public required Dictionary<string, byte[]> TopologyNodes { get; init; }
    public required Dictionary<string, byte[]> TopologyEdges { get; init; }

    public static LiveFingerprints Of(HostState state) => new()
    {
        State = state,
        // When the scan ran and how long it took change every time; they travel with real changes, never alone.
        Status = Bytes(state.Status with { ScannedAt = default, ScanMilliseconds = 0 }),
        Containers = state.Containers.ToDictionary(c => c.Id, Bytes, StringComparer.Ordinal),
        Namespaces = state.NamespaceList.ToDictionary(n => new NamespaceKey(n.Type, n.Inode), Bytes),
        Networks = state.Networks.ToDictionary(n => n.Id, Bytes, StringComparer.Ordinal),
        NetworkNamespaces = state.NetworkNamespaceList.ToDictionary(n => n.Inode, Bytes),
        TopologyNodes = state.Topology.Nodes.ToDictionary(n => n.Id, Bytes, StringComparer.Ordinal),
        TopologyEdges = state.Topology.Edges.ToDictionary(e => e.Id, Bytes, StringComparer.Ordinal),
        // No reachability: the stream does not carry it (see LiveSnapshot).
    };

    public LiveSnapshot ToSnapshot() => new()
    {
        Status = State.Status,
        Containers = State.Containers,
        Namespaces = State.NamespaceList,
        Networks = State.Networks,
        NetworkNamespaces = State.NetworkNamespaceList,
        Topology = State.Topology,
    };

    /// <summary>
    /// The JSON of the records a snapshot keeps, part by part in the order of <see cref="ToSnapshot"/>'s lists: the
    /// bytes this diff already made, so that a snapshot need not serialise the state again.
    /// </summary>
    public IReadOnlyList<byte[]>[] SnapshotParts() =>
    [
        [.. State.Containers.Select(c => Containers[c.Id])],
        [.. State.NamespaceList.Select(n => Namespaces[new NamespaceKey(n.Type, n.Inode)])],
        [.. State.Networks.Select(n => Networks[n.Id])],
        [.. State.NetworkNamespaceList.Select(n => NetworkNamespaces[n.Inode])],
        [.. State.Topology.Nodes.Select(n => TopologyNodes[n.Id])],
        [.. State.Topology.Edges.Select(e => TopologyEdges[e.Id])],
    ];

    private static byte[] Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, DashboardJson.Options);
}
