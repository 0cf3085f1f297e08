using Dashboard.Shared.Contracts;

namespace Dashboard.Shared.Model;

/// <summary>A namespace's identity: its type and nsfs inode. The one key both sides hold namespaces by.</summary>
public readonly record struct NamespaceKey(NamespaceType Type, ulong Inode)
{
    /// <summary>As <c>readlink /proc/&lt;pid&gt;/ns/&lt;type&gt;</c> shows it, e.g. <c>net:[4026531840]</c>.</summary>
    public override string ToString() => $"{Type.ToKernelName()}:[{Inode}]";
}
