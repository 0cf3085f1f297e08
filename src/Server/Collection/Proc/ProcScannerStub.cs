// TEMPORARY: replaced by the real scanner from the proc branch.
using Dashboard.Shared.Contracts;
namespace Dashboard.Server.Collection.Proc;
internal sealed class ProcScanner(string procRoot, ILogger logger)
{
    public ProcScan Scan()
    {
        _ = logger;
        var start = DateTimeOffset.UtcNow;
        var procs = new List<ProcessRecord>();
        var nss = new Dictionary<NamespaceKey, NamespaceRecord>();
        foreach (var dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var ns = new Dictionary<NamespaceType, ulong>();
                foreach (var t in NamespaceTypes.All)
                {
                    var target = new FileInfo(Path.Combine(dir, "ns", t.ToKernelName())).LinkTarget!;
                    var inode = ulong.Parse(target[(target.IndexOf('[') + 1)..^1]);
                    ns[t] = inode;
                    var key = new NamespaceKey(t, inode);
                    nss.TryAdd(key, new NamespaceRecord { Key = key });
                }
                var status = File.ReadAllLines(Path.Combine(dir, "status"));
                int ppid = int.Parse(status.First(l => l.StartsWith("PPid:"))[5..].Trim());
                var name = status.First(l => l.StartsWith("Name:"))[5..].Trim();
                procs.Add(new ProcessRecord { Pid = pid, Ppid = ppid, NsPids = [pid], Name = name, Command = name, Uid = 0, User = "root", StartTime = 0, Namespaces = ns, Threads = [] });
            }
            catch (Exception) { }
        }
        var init = procs.First(p => p.Pid == 2).Namespaces;
        return new ProcScan { ProcRoot = procRoot, Processes = procs, Namespaces = nss, InitialNamespaces = init, UnreadableProcessCount = 0, ScannedAt = DateTimeOffset.UtcNow, Duration = DateTimeOffset.UtcNow - start };
    }
}
