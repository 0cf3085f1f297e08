using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Dashboard.Shared.Contracts;

/// <summary>One namespace as listed by <c>GET /api/namespaces</c>.</summary>
public record NamespaceSummary
{
    /// <summary>The namespace type.</summary>
    public required NamespaceType Type { get; init; }
    /// <summary>The nsfs inode number that identifies the namespace (as in <c>readlink /proc/&lt;pid&gt;/ns/&lt;type&gt;</c>).</summary>
    public required ulong Inode { get; init; }
    /// <summary>Number of processes in the namespace (threads that merely differ from their process are not counted).</summary>
    public required int ProcessCount { get; init; }
    /// <summary>The lowest PID in the namespace (as <c>lsns</c> shows it); null when no process is in it.</summary>
    public int? LowestPid { get; init; }
    /// <summary>The command line of <see cref="LowestPid"/>.</summary>
    public string? Command { get; init; }
    /// <summary>True for the host's initial namespace of this type (the one the kernel threads are in).</summary>
    public required bool IsInitial { get; init; }
    /// <summary>The user namespace that owns this namespace (<c>NS_GET_USERNS</c>); null for the initial user namespace or when unknown.</summary>
    public ulong? OwnerInode { get; init; }
    /// <summary>The parent namespace, for PID and user namespaces (<c>NS_GET_PARENT</c>); null for the initial one or when unknown.</summary>
    public ulong? ParentInode { get; init; }
    /// <summary>Names of the containers whose init process is in this namespace.</summary>
    public required IReadOnlyList<string> Containers { get; init; }
    /// <summary>nsfs bind mounts that keep the namespace alive, e.g. <c>/run/docker/netns/1a2b</c> or <c>/run/netns/x</c>.</summary>
    public required IReadOnlyList<string> BindMounts { get; init; }
    /// <summary>Open file descriptors on the namespace, as <c>pid/fd</c> pairs.</summary>
    public required IReadOnlyList<FileDescriptorRef> OpenDescriptors { get; init; }
    /// <summary>True when no process is in the namespace: it lives on through a bind mount, an open descriptor, or as the owner or parent of another namespace.</summary>
    public required bool Hidden { get; init; }
    /// <summary>What keeps a hidden namespace alive: <c>bind-mount</c>, <c>fd</c>, <c>owner</c>, <c>parent</c>, or <c>thread</c>; empty when processes are in it.</summary>
    public required IReadOnlyList<KeptAliveReason> KeptAliveBy { get; init; }

    /// <summary>The summary's part alone (of a <see cref="NamespaceDetail"/>: what the list shows of it).</summary>
    public NamespaceSummary ToSummary() => new(this);
}

/// <summary>What keeps a namespace without processes alive, serialised with the names the API has always used.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KeptAliveReason>))]
public enum KeptAliveReason
{
    /// <summary>A thread whose namespace differs from its process's is in it.</summary>
    [JsonStringEnumMemberName("thread")] Thread,
    /// <summary>An nsfs bind mount (<see cref="NamespaceSummary.BindMounts"/>).</summary>
    [JsonStringEnumMemberName("bind-mount")] BindMount,
    /// <summary>An open file descriptor (<see cref="NamespaceSummary.OpenDescriptors"/>).</summary>
    [JsonStringEnumMemberName("fd")] Fd,
    /// <summary>It owns another namespace (a user namespace only).</summary>
    [JsonStringEnumMemberName("owner")] Owner,
    /// <summary>It is the parent of another namespace (PID and user namespaces).</summary>
    [JsonStringEnumMemberName("parent")] Parent,
}

/// <summary>An open file descriptor on a namespace.</summary>
public sealed record FileDescriptorRef
{
    /// <summary>Host PID of the process holding the descriptor.</summary>
    public required int Pid { get; init; }
    /// <summary>The descriptor number.</summary>
    public required int Fd { get; init; }
}

/// <summary>One namespace with its processes: <c>GET /api/namespaces/{type}/{inode}</c>.</summary>
public sealed record NamespaceDetail : NamespaceSummary
{
    /// <summary>For initializers and the JSON reader.</summary>
    public NamespaceDetail()
    {
    }

    /// <summary>The detail of the namespace <paramref name="summary"/> lists; no id maps.</summary>
    [SetsRequiredMembers]
    public NamespaceDetail(NamespaceSummary summary, IReadOnlyList<NamespaceMember> processes, IReadOnlyList<NamespaceRef> children)
        : base(summary)
    {
        Processes = processes;
        Children = children;
    }

    /// <summary>Every process in the namespace (and threads whose namespace differs from their process's), lowest PID first.</summary>
    public required IReadOnlyList<NamespaceMember> Processes { get; init; }
    /// <summary>For user namespaces: the <c>uid_map</c>; null for other types or when no process in it could be read.</summary>
    public IReadOnlyList<IdMapRange>? UidMap { get; init; }
    /// <summary>For user namespaces: the <c>gid_map</c>.</summary>
    public IReadOnlyList<IdMapRange>? GidMap { get; init; }
    /// <summary>Namespaces whose owner (user namespaces) or parent (PID and user namespaces) this one is.</summary>
    public required IReadOnlyList<NamespaceRef> Children { get; init; }
}

/// <summary>A reference to a namespace by type and inode.</summary>
public sealed record NamespaceRef
{
    /// <summary>The namespace type.</summary>
    public required NamespaceType Type { get; init; }
    /// <summary>The nsfs inode.</summary>
    public required ulong Inode { get; init; }
    /// <summary>How it relates: <c>owned</c> or <c>child</c>.</summary>
    public required NamespaceRelation Relation { get; init; }
}

/// <summary>How a <see cref="NamespaceDetail.Children"/> entry relates to the namespace that lists it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NamespaceRelation>))]
public enum NamespaceRelation
{
    /// <summary>The listing user namespace owns it (<c>NS_GET_USERNS</c>).</summary>
    [JsonStringEnumMemberName("owned")] Owned,
    /// <summary>The listing namespace is its parent (<c>NS_GET_PARENT</c>).</summary>
    [JsonStringEnumMemberName("child")] Child,
}

/// <summary>A process (or a thread) in a namespace.</summary>
public sealed record NamespaceMember
{
    /// <summary>Host PID (as seen in the proc root).</summary>
    public required int Pid { get; init; }
    /// <summary>For a thread whose namespace differs from its process's: the thread id; otherwise null.</summary>
    public int? Tid { get; init; }
    /// <summary>The PID inside the process's own (innermost) PID namespace, from <c>NSpid</c>.</summary>
    public required int NsPid { get; init; }
    /// <summary>The parent's host PID.</summary>
    public required int Ppid { get; init; }
    /// <summary>The command line (or <c>[name]</c> for kernel threads).</summary>
    public required string Command { get; init; }
    /// <summary>The owner's user name, or the numeric uid when it has none.</summary>
    public required string User { get; init; }
}

/// <summary>One line of a <c>uid_map</c> or <c>gid_map</c>.</summary>
public sealed record IdMapRange
{
    /// <summary>First id inside the namespace.</summary>
    public required long InsideId { get; init; }
    /// <summary>First id in the parent user namespace.</summary>
    public required long OutsideId { get; init; }
    /// <summary>Number of ids mapped.</summary>
    public required long Count { get; init; }
}
