using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Live;

/// <summary>
/// Whether reported changes may change more than the process counts and command lines of namespaces already known.
/// Most process events are of that kind (a shell's commands, a health check, the client that sends a request): they
/// need not hold a request, nor a refresh for longer than the churn interval. A process that joined a namespace not
/// seen before, one whose exit may end a namespace, and every mount, network and engine change may.
/// </summary>
internal static class ChangeSignificance
{
    /// <param name="last">The scan the changes are relative to; null: none yet, everything is significant.</param>
    /// <param name="namespacesOf">A process's namespaces now, or null when it is gone (<see cref="ProcessReader.PeekNamespaces"/>).</param>
    public static bool MayChangeNamespaces(Taken taken, ProcScan? last, Func<int, IReadOnlyCollection<NamespaceKey>?> namespacesOf)
    {
        if (last is null || taken.Docker || taken.Net.All || taken.Net.Changed.Count > 0
            || taken.Proc.AllProcesses || taken.Proc.AllMountTables || taken.Proc.MountTables.Count > 0)
        {
            return true;
        }

        foreach (var pid in taken.Proc.Changed)
        {
            // Gone already: it came and went inside namespaces that exist (else its exit is looked at below).
            if (namespacesOf(pid) is { } keys && keys.Any(k => !last.Namespaces.ContainsKey(k)))
            {
                return true;
            }
        }

        if (taken.Proc.Exited.Count == 0)
        {
            return false;
        }

        // A namespace all of whose processes exited may be gone (unless a mount or descriptor holds it).
        var leaving = new Dictionary<NamespaceKey, int>();
        var byPid = last.Processes.ToDictionary(p => p.Pid);
        foreach (var pid in taken.Proc.Exited)
        {
            if (!byPid.TryGetValue(pid, out var process))
            {
                continue;
            }

            foreach (var (type, inode) in process.Namespaces)
            {
                var key = new NamespaceKey(type, inode);
                leaving[key] = leaving.GetValueOrDefault(key) + 1;
            }
        }

        return leaving.Any(kv => last.MemberCounts.GetValueOrDefault(kv.Key) <= kv.Value);
    }
}
