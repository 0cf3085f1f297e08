using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Components;

/// <summary>The answers the REST API gives, taken from one <see cref="HostState"/>, for the pages that run on the server.</summary>
internal static class StateAnswers
{
    public static ContainerInfo? Container(HostState state, string idOrName) =>
        DockerLookup.FindContainer(state.Containers, idOrName).Container;

    public static IReadOnlyList<ContainerNamespaceRow>? ContainerNamespaces(HostState state, string idOrName) =>
        Container(state, idOrName) is { } container ? NamespaceCatalog.ContainerRows(container) : null;

    public static IReadOnlyList<NamespaceSummary> Namespaces(HostState state, NamespaceType? type) =>
        type is { } t ? [.. state.NamespaceList.Where(n => n.Type == t)] : state.NamespaceList;

    public static NamespaceDetail? Namespace(HostState state, NamespaceType type, ulong inode) =>
        state.Namespaces.GetValueOrDefault(new NamespaceKey(type, inode));

    public static ProcessInfo? Process(HostState state, int pid) => state.Processes.GetValueOrDefault(pid);
}
