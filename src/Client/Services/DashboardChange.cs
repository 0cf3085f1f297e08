using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Client.Services;

/// <summary>What kind of data a <see cref="DashboardChange"/> touched.</summary>
[Flags]
public enum DashboardChangeKinds
{
    None = 0,
    /// <summary>The live connection's state (<see cref="IDashboardData.Connection"/>), not the data.</summary>
    Connection = 1,
    Status = 2,
    Containers = 4,
    Namespaces = 8,
    Networks = 16,
    NetworkNamespaces = 32,
    Topology = 64,
    Reachability = 128,
    /// <summary>Every kind of data.</summary>
    Data = Status | Containers | Namespaces | Networks | NetworkNamespaces | Topology | Reachability,
}

/// <summary>
/// Raised by <see cref="IDashboardData.Changed"/> after new data arrived: which kinds changed and, for containers and
/// namespaces, which ones, so that a page showing one of them reloads only when it has to.
/// </summary>
public sealed record DashboardChange
{
    /// <summary>The connection state changed; no data did.</summary>
    public static DashboardChange ConnectionOnly { get; } = new() { Kinds = DashboardChangeKinds.Connection };

    public required DashboardChangeKinds Kinds { get; init; }

    /// <summary>A whole new state replaced the old (a new subscription): anything may have changed.</summary>
    public bool Everything { get; init; }

    /// <summary>Full ids of the containers added, changed or removed.</summary>
    public IReadOnlySet<string> ContainerIds { get; init; } = new HashSet<string>();

    /// <summary>The namespaces added, changed or removed.</summary>
    public IReadOnlySet<NamespaceKey> Namespaces { get; init; } = new HashSet<NamespaceKey>();

    /// <summary>True when any of <paramref name="kinds"/> changed.</summary>
    public bool Has(DashboardChangeKinds kinds) => (Kinds & kinds) != 0;

    /// <summary>True when the container with this full id may have changed.</summary>
    public bool TouchesContainer(string id) => Everything || ContainerIds.Contains(id);

    /// <summary>True when this namespace may have changed.</summary>
    public bool TouchesNamespace(NamespaceType type, ulong inode) =>
        Everything || Namespaces.Contains(new NamespaceKey(type, inode));
}
