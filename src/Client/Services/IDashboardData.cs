using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Services;

/// <summary>
/// The one source the pages read from. Today it is the REST API's current state; later the live hub and past
/// snapshots sit behind the same interface, so pages change their source, not their code.
/// </summary>
public interface IDashboardData
{
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
