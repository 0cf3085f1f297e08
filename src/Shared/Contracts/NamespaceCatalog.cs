namespace Dashboard.Shared.Contracts;

/// <summary>What each namespace type isolates, and the commands a user would type to look at it.</summary>
public static class NamespaceCatalog
{
    /// <summary>What a namespace of this type isolates, in one sentence.</summary>
    public static string Describe(NamespaceType type) => type switch
    {
        NamespaceType.Mnt => "Mount points: the container's own root filesystem and mounts.",
        NamespaceType.Pid => "Process IDs: the container's processes are numbered from 1 and cannot see the host's.",
        NamespaceType.Net => "Network stack: interfaces, addresses, routes, ports and firewall rules.",
        NamespaceType.Uts => "Host name and NIS domain name.",
        NamespaceType.Ipc => "System V IPC objects and POSIX message queues.",
        NamespaceType.User => "User and group IDs and capabilities: root inside may map to an unprivileged user outside.",
        NamespaceType.Cgroup => "The view of the cgroup hierarchy: /proc/self/cgroup appears rooted at the container's cgroup.",
        NamespaceType.Time => "Offsets of the monotonic and boot-time clocks.",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// A command that shows the namespace's content from the host, as root. Each runs the host's own tools, never a
    /// binary inside the container (a distroless image has no shell, ps or findmnt), and works for any process.
    /// </summary>
    public static string InspectCommand(NamespaceType type, int pid) => type switch
    {
        // findmnt reads the process's mount table from the host side.
        NamespaceType.Mnt => $"findmnt -N {pid}",
        // The processes in the same PID namespace, by their host PIDs.
        NamespaceType.Pid => $"pgrep -a --ns {pid} --nslist pid",
        NamespaceType.Net => $"nsenter -t {pid} -n ip addr",
        NamespaceType.Uts => $"nsenter -t {pid} -u hostname",
        NamespaceType.Ipc => $"nsenter -t {pid} -i ipcs",
        NamespaceType.User => $"cat /proc/{pid}/uid_map /proc/{pid}/gid_map",
        // The process's cgroups as seen from inside its cgroup namespace, through the host's /proc.
        NamespaceType.Cgroup => $"nsenter -t {pid} -C cat /proc/{pid}/cgroup",
        NamespaceType.Time => $"cat /proc/{pid}/timens_offsets",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The <c>lsns</c> command that lists the process's namespace of this type.</summary>
    public static string LsnsCommand(NamespaceType type, int pid) => $"lsns -t {type.ToKernelName()} -p {pid}";

    /// <summary>The tutorial's table for a container: one row per type; empty when it is not running.</summary>
    public static IReadOnlyList<ContainerNamespaceRow> ContainerRows(ContainerInfo container)
    {
        if (container.Namespaces is not { } namespaces || container.Pid is not { } pid)
        {
            return [];
        }

        return NamespaceTypes.All.Select(type =>
        {
            var ns = namespaces[type];
            return new ContainerNamespaceRow
            {
                Type = type,
                Inode = ns.Inode,
                Sharing = ns.Sharing,
                SharedWith = ns.SharedWith,
                Description = Describe(type),
                Command = InspectCommand(type, pid),
                LsnsCommand = LsnsCommand(type, pid),
            };
        }).ToList();
    }
}
