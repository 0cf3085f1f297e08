using Dashboard.Shared.Contracts;

namespace Dashboard.Shared.Model;

/// <summary>
/// Which namespaces hang off which: a user namespace owns those that name it as owner; a PID or user namespace is the
/// parent of those that name it as parent. The server derives the children from a scan, a snapshot's pages from the
/// namespaces it recorded, both with this.
/// </summary>
public static class NamespaceChildren
{
    /// <returns>Each namespace's children, by type then inode (owned before child for the same one).</returns>
    public static ILookup<NamespaceKey, NamespaceRef> Of<T>(IEnumerable<T> namespaces, Func<T, NamespaceKey> key, Func<T, ulong?> owner, Func<T, ulong?> parent)
    {
        var children = new List<(NamespaceKey Of, NamespaceRef Child)>();
        foreach (var ns in namespaces)
        {
            var (type, inode) = key(ns);
            if (owner(ns) is { } ownerInode)
            {
                children.Add((new NamespaceKey(NamespaceType.User, ownerInode), new NamespaceRef { Type = type, Inode = inode, Relation = NamespaceRelation.Owned }));
            }

            if (parent(ns) is { } parentInode)
            {
                children.Add((new NamespaceKey(type, parentInode), new NamespaceRef { Type = type, Inode = inode, Relation = NamespaceRelation.Child }));
            }
        }

        // A stable sort: a user namespace both owned by and child of another keeps that order.
        return children
            .OrderBy(c => c.Child.Type).ThenBy(c => c.Child.Inode)
            .ToLookup(c => c.Of, c => c.Child);
    }
}
