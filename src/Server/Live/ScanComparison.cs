using Dashboard.Server.Collection.Proc;

namespace Dashboard.Server.Live;

/// <summary>
/// Whether an update changed anything a state shows, cheaply: the process reader hands back the very same record for
/// a process that did not change, so most of the comparison is by reference.
/// </summary>
internal static class ScanComparison
{
    /// <summary>The same processes (by reference) and the same namespaces with the same mounts, descriptors and relations.</summary>
    public static bool Same(ProcScan before, ProcScan after)
    {
        if (ReferenceEquals(before, after))
        {
            return true;
        }

        if (before.Processes.Count != after.Processes.Count || before.UnreadableProcessCount != after.UnreadableProcessCount
            || !SameNamespaces(before, after))
        {
            return false;
        }

        for (var i = 0; i < before.Processes.Count; i++)
        {
            if (!ReferenceEquals(before.Processes[i], after.Processes[i]))
            {
                return false;
            }
        }

        foreach (var (key, was) in before.Namespaces)
        {
            var now = after.Namespaces[key];
            if (was.OwnerInode != now.OwnerInode || was.ParentInode != now.ParentInode
                || !was.BindMounts.SequenceEqual(now.BindMounts) || !was.OpenDescriptors.SequenceEqual(now.OpenDescriptors)
                || !ReferenceEquals(was.UidMap, now.UidMap) && !(was.UidMap ?? []).SequenceEqual(now.UidMap ?? [])
                || !ReferenceEquals(was.GidMap, now.GidMap) && !(was.GidMap ?? []).SequenceEqual(now.GidMap ?? []))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same set of namespaces: none came, none went.</summary>
    public static bool SameNamespaces(ProcScan before, ProcScan after) =>
        ReferenceEquals(before, after)
        || before.Namespaces.Count == after.Namespaces.Count && before.Namespaces.Keys.All(after.Namespaces.ContainsKey);
}
