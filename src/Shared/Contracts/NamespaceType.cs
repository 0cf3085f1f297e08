using System.Text.Json.Serialization;

namespace Dashboard.Shared.Contracts;

/// <summary>The eight Linux namespace types, serialised with the names the kernel and <c>lsns</c> use.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NamespaceType>))]
public enum NamespaceType
{
    /// <summary>Mount points (<c>CLONE_NEWNS</c>).</summary>
    [JsonStringEnumMemberName("mnt")] Mnt,
    /// <summary>Process IDs (<c>CLONE_NEWPID</c>).</summary>
    [JsonStringEnumMemberName("pid")] Pid,
    /// <summary>Network stack: interfaces, routes, sockets (<c>CLONE_NEWNET</c>).</summary>
    [JsonStringEnumMemberName("net")] Net,
    /// <summary>Host and domain name (<c>CLONE_NEWUTS</c>).</summary>
    [JsonStringEnumMemberName("uts")] Uts,
    /// <summary>System V IPC and POSIX message queues (<c>CLONE_NEWIPC</c>).</summary>
    [JsonStringEnumMemberName("ipc")] Ipc,
    /// <summary>User and group IDs and capabilities (<c>CLONE_NEWUSER</c>).</summary>
    [JsonStringEnumMemberName("user")] User,
    /// <summary>The view of the cgroup hierarchy (<c>CLONE_NEWCGROUP</c>).</summary>
    [JsonStringEnumMemberName("cgroup")] Cgroup,
    /// <summary>Monotonic and boot-time clock offsets (<c>CLONE_NEWTIME</c>).</summary>
    [JsonStringEnumMemberName("time")] Time,
}

/// <summary>Helpers for <see cref="NamespaceType"/>.</summary>
public static class NamespaceTypes
{
    /// <summary>All eight types, in the order the dashboard shows them.</summary>
    public static IReadOnlyList<NamespaceType> All { get; } =
    [
        NamespaceType.Mnt, NamespaceType.Pid, NamespaceType.Net, NamespaceType.Uts,
        NamespaceType.Ipc, NamespaceType.User, NamespaceType.Cgroup, NamespaceType.Time,
    ];

    /// <summary>The kernel's name of the type: the entry under <c>/proc/&lt;pid&gt;/ns/</c> and <c>lsns -t</c>.</summary>
    public static string ToKernelName(this NamespaceType type) => type switch
    {
        NamespaceType.Mnt => "mnt",
        NamespaceType.Pid => "pid",
        NamespaceType.Net => "net",
        NamespaceType.Uts => "uts",
        NamespaceType.Ipc => "ipc",
        NamespaceType.User => "user",
        NamespaceType.Cgroup => "cgroup",
        NamespaceType.Time => "time",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>Parses a kernel name (<c>net</c>, <c>mnt</c>, …); case-sensitive like the kernel.</summary>
    public static bool TryParse(string? name, out NamespaceType type)
    {
        switch (name)
        {
            case "mnt": type = NamespaceType.Mnt; return true;
            case "pid": type = NamespaceType.Pid; return true;
            case "net": type = NamespaceType.Net; return true;
            case "uts": type = NamespaceType.Uts; return true;
            case "ipc": type = NamespaceType.Ipc; return true;
            case "user": type = NamespaceType.User; return true;
            case "cgroup": type = NamespaceType.Cgroup; return true;
            case "time": type = NamespaceType.Time; return true;
            default: type = default; return false;
        }
    }
}
