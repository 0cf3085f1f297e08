using Dashboard.Client.Live;
using Dashboard.Client.Model;
using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Services;

/// <summary>
/// The one source the pages read from: the live hub's state where it has it, the REST API for the rest; or a past
/// snapshot (<see cref="SnapshotDashboardData"/>), so that pages change their source, not their code. Pages load
/// through the methods and load again when <see cref="Changed"/> says that what they show changed.
/// </summary>
public interface IDashboardData
{
    /// <summary>Raised after new data arrived, and when <see cref="Connection"/> changed. May be raised off the renderer's context.</summary>
    event Action<DashboardChange>? Changed;

    /// <summary>How the live connection stands.</summary>
    LiveConnectionState Connection { get; }

    /// <summary>The snapshot whose state this source gives; null for the live state.</summary>
    SnapshotSummary? Snapshot { get; }

    /// <summary>Where the pages of this source are, so that links between them stay with the source.</summary>
    DashboardLinks Links { get; }

    Task<StatusInfo> GetStatusAsync(CancellationToken cancellationToken = default);
    Task<IReadOnlyList<ContainerInfo>> GetContainersAsync(CancellationToken cancellationToken = default);
    /// <summary>Null when no container matches.</summary>
    Task<ContainerInfo?> GetContainerAsync(string idOrName, CancellationToken cancellationToken = default);
    /// <summary>Null when no container matches; empty when it is not running.</summary>
    Task<IReadOnlyList<ContainerNamespaceRow>?> GetContainerNamespacesAsync(string idOrName, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<NamespaceSummary>> GetNamespacesAsync(NamespaceType? type = null, CancellationToken cancellationToken = default);
    /// <summary>Null when the namespace is not known.</summary>
    Task<NamespaceDetail?> GetNamespaceAsync(NamespaceType type, ulong inode, CancellationToken cancellationToken = default);
    /// <summary>Null when the process is not known.</summary>
    Task<ProcessInfo?> GetProcessAsync(int pid, CancellationToken cancellationToken = default);
    Task<TopologyGraph> GetTopologyAsync(CancellationToken cancellationToken = default);
    Task<ReachabilityReport> GetReachabilityAsync(CancellationToken cancellationToken = default);
}
