using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;
using Dashboard.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static Dashboard.IntegrationTests.Proc.ProcTestKit;

namespace Dashboard.IntegrationTests.Proc;

/// <summary>Scans the real /proc and compares what it finds with what the kernel and lsns say.</summary>
[Collection(ProcCollection.Name)]
public sealed class ProcScannerTests
{
    private static ProcScan Scan() => new ProcScanner("/proc", NullLogger.Instance).Scan();

    [Fact]
    public void OwnProcessHasTheKernelsEightInodes()
    {
        Requirements.Root();
        var scan = Scan();

        var self = Assert.Single(scan.Processes, p => p.Pid == Environment.ProcessId);
        Assert.Equal(8, self.Namespaces.Count);
        foreach (var type in NamespaceTypes.All)
        {
            Assert.Equal(ReadLinkInode($"/proc/self/ns/{type.ToKernelName()}"), self.Namespaces[type]);
            Assert.True(scan.Namespaces.ContainsKey(new NamespaceKey(type, self.Namespaces[type])));
        }

        var ownNet = scan.Namespaces[new NamespaceKey(NamespaceType.Net, self.Namespaces[NamespaceType.Net])];
        Assert.NotEmpty(ownNet.OpenPaths);
        Assert.All(ownNet.OpenPaths.Where(p => p.EndsWith("/ns/net", StringComparison.Ordinal)), p => Assert.StartsWith("/proc/", p, StringComparison.Ordinal));
        Assert.Equal(self.Namespaces[NamespaceType.Net], StatInode(ownNet.OpenPaths[0]));

        Assert.Equal(Environment.ProcessId, self.NsPids[0]);
        Assert.Equal(0, self.Uid);
        Assert.Equal("root", self.User);
        Assert.Contains("Dashboard.IntegrationTests", self.Command, StringComparison.Ordinal);
        Assert.Equal("/proc", scan.ProcRoot);
        Assert.True(scan.Duration > TimeSpan.Zero);
        Assert.True(DateTimeOffset.UtcNow - scan.ScannedAt < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void ListeningSocketIsTracedToItsProcess()
    {
        Requirements.Root();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var link = new FileInfo($"/proc/self/fd/{listener.Server.SafeHandle.DangerousGetHandle()}").LinkTarget!;
        Assert.True(ProcParsers.TryParseSocketLink(link, out var inode), link);

        var scan = Scan();
        Assert.Contains(Environment.ProcessId, scan.SocketOwners[inode]);

        // The namespace's socket table names the same inode on the same port.
        var sockets = Dashboard.Server.Collection.Net.ProcNetSockets.ParseListening(File.ReadAllText("/proc/self/net/tcp"), "tcp");
        var socket = Assert.Single(sockets, s => s.Inode == inode);
        Assert.Equal(port, socket.Port);
        Assert.Equal(System.Net.IPAddress.Loopback, socket.Address);
    }

    [Fact]
    public void InitialNamespacesAreThoseOfKthreadd()
    {
        Requirements.Root();
        var scan = Scan();

        Assert.Equal(8, scan.InitialNamespaces.Count);
        foreach (var type in NamespaceTypes.All)
        {
            Assert.Equal(ReadLinkInode($"/proc/2/ns/{type.ToKernelName()}"), scan.InitialNamespaces[type]);
        }

        var kthreadd = Assert.Single(scan.Processes, p => p.Pid == 2);
        Assert.Equal("[kthreadd]", kthreadd.Command);
        Assert.Equal(0, kthreadd.Ppid);
    }

    [Fact]
    public void ProcessOneIsCountedUnreadableWhenItsLinksAre()
    {
        Requirements.Root();
        bool pid1Readable;
        try
        {
            pid1Readable = new FileInfo("/proc/1/ns/net").LinkTarget is not null;
        }
        catch (UnauthorizedAccessException)
        {
            pid1Readable = false;
        }

        var scan = Scan();
        if (pid1Readable)
        {
            Assert.Contains(scan.Processes, p => p.Pid == 1);
        }
        else
        {
            // On this kind of machine /proc/1/ns/* answers EACCES even to root.
            Assert.DoesNotContain(scan.Processes, p => p.Pid == 1);
            Assert.True(scan.UnreadableProcessCount >= 1);
        }
    }

    [Fact]
    public void NamespaceKeptOnlyByIpNetnsAddIsFoundWithItsBindMount()
    {
        Requirements.Root();
        var name = $"dt-{Guid.NewGuid():N}"[..15];
        Run("ip", "netns", "add", name);
        try
        {
            var path = $"/run/netns/{name}";
            var inode = StatInode(path);
            var scan = Scan();

            var ns = scan.Namespaces[new NamespaceKey(NamespaceType.Net, inode)];
            Assert.Contains(path, ns.BindMounts);
            Assert.Equal(ns.BindMounts.Distinct().Count(), ns.BindMounts.Count);
            // A process caught while exiting may lack some links, hence GetValueOrDefault.
            Assert.DoesNotContain(scan.Processes, p => p.Namespaces.GetValueOrDefault(NamespaceType.Net) == inode);
            // ip netns add makes the namespace from our (initial) user namespace.
            Assert.Equal(scan.InitialNamespaces[NamespaceType.User], ns.OwnerInode);
            Assert.False(ns.FoundAsOwner);
            // With no process in it, the only way in is the mount, reached through some process's root.
            Assert.NotEmpty(ns.OpenPaths);
            Assert.All(ns.OpenPaths, p => Assert.EndsWith($"/root{path}", p, StringComparison.Ordinal));
            Assert.Equal(inode, StatInode(ns.OpenPaths[0]));
        }
        finally
        {
            Run("ip", "netns", "delete", name);
        }
    }

    [Fact]
    public void NamespaceKeptOnlyByAnOpenDescriptorIsFound()
    {
        Requirements.Root();
        var name = $"dt-{Guid.NewGuid():N}"[..15];
        Run("ip", "netns", "add", name);
        var fd = -1;
        var deleted = false;
        try
        {
            var inode = StatInode($"/run/netns/{name}");
            fd = NsIoctl.Open($"/run/netns/{name}", out var errno);
            Assert.True(fd >= 0, $"open failed with errno {errno}");
            Run("ip", "netns", "delete", name);
            deleted = true;

            var scan = Scan();
            var ns = scan.Namespaces[new NamespaceKey(NamespaceType.Net, inode)];
            Assert.Contains(new FileDescriptorRef { Pid = Environment.ProcessId, Fd = fd }, ns.OpenDescriptors);
            Assert.Empty(ns.BindMounts);
            Assert.Equal(scan.InitialNamespaces[NamespaceType.User], ns.OwnerInode);

            var withoutFds = new ProcScanner("/proc", NullLogger.Instance) { ScanOpenDescriptors = false }.Scan();
            Assert.False(withoutFds.Namespaces.ContainsKey(ns.Key));
        }
        finally
        {
            NsIoctl.Close(fd);
            if (!deleted)
            {
                Run("ip", "netns", "delete", name);
            }
        }
    }

    [Fact]
    public void UnsharedUserAndNetNamespacesHaveMapOwnerAndParent()
    {
        Requirements.Root();
        using var child = Process.Start(new ProcessStartInfo("unshare", ["--user", "--map-root-user", "--net", "sleep", "60"])
        {
            RedirectStandardError = true,
        })!;
        try
        {
            var ourUser = ReadLinkInode("/proc/self/ns/user");
            // unshare execs sleep in the same PID once the namespaces and the map are in place.
            WaitUntil(() => TryReadLinkInode($"/proc/{child.Id}/ns/user") is { } u && u != ourUser
                && File.ReadAllText($"/proc/{child.Id}/uid_map").Trim().Length > 0
                && File.ReadAllText($"/proc/{child.Id}/comm").Trim() == "sleep");
            var userInode = ReadLinkInode($"/proc/{child.Id}/ns/user");
            var netInode = ReadLinkInode($"/proc/{child.Id}/ns/net");

            var scan = Scan();

            var process = Assert.Single(scan.Processes, p => p.Pid == child.Id);
            Assert.Equal(userInode, process.Namespaces[NamespaceType.User]);
            Assert.Equal(netInode, process.Namespaces[NamespaceType.Net]);
            Assert.Equal("sleep 60", process.Command);

            var user = scan.Namespaces[new NamespaceKey(NamespaceType.User, userInode)];
            var uid = (long)geteuid();
            Assert.Equal([new IdMapRange { InsideId = 0, OutsideId = uid, Count = 1 }], user.UidMap);
            Assert.Equal([new IdMapRange { InsideId = 0, OutsideId = getegid(), Count = 1 }], user.GidMap);
            Assert.Equal(ourUser, user.OwnerInode);
            Assert.Equal(ourUser, user.ParentInode);

            var net = scan.Namespaces[new NamespaceKey(NamespaceType.Net, netInode)];
            Assert.Equal(userInode, net.OwnerInode);
            Assert.Null(net.ParentInode);

            // Walk the owner chain up to the top: every step is a known namespace and it ends.
            var seen = new HashSet<ulong>();
            ulong? step = net.OwnerInode;
            while (step is { } inode)
            {
                Assert.True(seen.Add(inode), "owner chain loops");
                step = scan.Namespaces[new NamespaceKey(NamespaceType.User, inode)].OwnerInode;
            }

            Assert.Contains(scan.InitialNamespaces[NamespaceType.User], seen);
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    [Fact]
    public void ThreadInItsOwnNamespaceIsRecordedWithOnlyTheDifferingType()
    {
        Requirements.Root();
        ulong? threadUts = null;
        var tid = 0;
        var error = 0;
        using var ready = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var thread = new Thread(() =>
        {
            // A new UTS namespace for this thread only; it goes away when the thread ends.
            if (unshare(CloneNewUts) != 0)
            {
                error = Marshal.GetLastPInvokeError();
            }
            else
            {
                tid = gettid();
                threadUts = ReadLinkInode("/proc/thread-self/ns/uts");
            }

            ready.Set();
            release.Wait();
        });
        thread.Start();
        try
        {
            Assert.True(ready.Wait(SetupDeadline, TestContext.Current.CancellationToken));
            Assert.Equal(0, error);
            var scan = Scan();

            var self = Assert.Single(scan.Processes, p => p.Pid == Environment.ProcessId);
            var record = Assert.Single(self.Threads, t => t.Tid == tid);
            Assert.Equal(NamespaceType.Uts, Assert.Single(record.Namespaces).Key);
            Assert.Equal(threadUts, record.Namespaces[NamespaceType.Uts]);
            Assert.NotEqual(self.Namespaces[NamespaceType.Uts], threadUts);
            Assert.True(scan.Namespaces.ContainsKey(new NamespaceKey(NamespaceType.Uts, threadUts!.Value)));
            // Threads that share all of the process's namespaces are left out.
            Assert.All(self.Threads, t => Assert.NotEmpty(t.Namespaces));
        }
        finally
        {
            release.Set();
            thread.Join();
        }
    }

    [Fact]
    public void EveryNamespaceLsnsListsIsInTheScan()
    {
        Requirements.Root();
        var lsns = RunLsns();
        var scan = Scan();

        Assert.NotEmpty(lsns);
        var missing = new List<string>();
        foreach (var (inode, typeName, pid) in lsns)
        {
            Assert.True(NamespaceTypes.TryParse(typeName, out var type), typeName);
            if (scan.Namespaces.ContainsKey(new NamespaceKey(type, inode)))
            {
                continue;
            }

            // lsns ran before the scan: its process may have exited since, taking the namespace with it.
            if (pid is { } p && TryReadLinkInode($"/proc/{p}/ns/{typeName}") == inode)
            {
                missing.Add($"{typeName}:[{inode}] (pid {p})");
            }
        }

        Assert.Empty(missing);
        // The same inode is never listed under two types.
        Assert.Equal(scan.Namespaces.Count, scan.Namespaces.Keys.Select(k => k.Inode).Distinct().Count());
    }

    [Fact]
    public void EveryOwnerAndParentIsAKnownNamespace()
    {
        Requirements.Root();
        // A nested user namespace whose parent has no process left in it would only be found as an owner or parent.
        using var child = Process.Start(new ProcessStartInfo("unshare", ["--user", "--map-root-user", "unshare", "--user", "--pid", "--fork", "sleep", "60"])
        {
            RedirectStandardError = true,
        })!;
        try
        {
            var ourUser = ReadLinkInode("/proc/self/ns/user");
            int? sleeper = null;
            WaitUntil(() => (sleeper = FindSleeperBelow(child.Id)) is { } s && TryReadLinkInode($"/proc/{s}/ns/user") is { } u && u != ourUser);

            var scan = Scan();

            Assert.All(scan.Namespaces.Values, ns =>
            {
                if (ns.OwnerInode is { } owner)
                {
                    Assert.True(scan.Namespaces.ContainsKey(new NamespaceKey(NamespaceType.User, owner)), $"owner of {ns.Key}");
                }

                if (ns.ParentInode is { } parent)
                {
                    Assert.True(ns.Type is NamespaceType.Pid or NamespaceType.User, $"parent on {ns.Key}");
                    Assert.True(scan.Namespaces.ContainsKey(new NamespaceKey(ns.Type, parent)), $"parent of {ns.Key}");
                }
            });

            // Only the initial user namespace has no owner; everything else of ours is owned.
            var initialUser = scan.InitialNamespaces[NamespaceType.User];
            Assert.Null(scan.Namespaces[new NamespaceKey(NamespaceType.User, initialUser)].OwnerInode);
            Assert.Null(scan.Namespaces[new NamespaceKey(NamespaceType.Pid, scan.InitialNamespaces[NamespaceType.Pid])].ParentInode);
            // Other test classes make and delete `ip netns` side by side with this one: a namespace that vanished
            // while it was scanned may have no owner, so only those still there afterwards must have one.
            Assert.All(scan.Namespaces.Values.Where(n => n.Key != new NamespaceKey(NamespaceType.User, initialUser) && n.OwnerInode is null),
                ns => Assert.False(StillOpenable(ns), $"{ns.Key} is still there and has no owner"));

            // The sleeper's user namespace sits two levels below ours; its pid namespace is a child of the initial one.
            var sleeperProcess = Assert.Single(scan.Processes, p => p.Pid == sleeper);
            var inner = scan.Namespaces[new NamespaceKey(NamespaceType.User, sleeperProcess.Namespaces[NamespaceType.User])];
            var middle = scan.Namespaces[new NamespaceKey(NamespaceType.User, inner.ParentInode!.Value)];
            Assert.Equal(initialUser, middle.ParentInode);
            Assert.Equal(inner.ParentInode, inner.OwnerInode);
            var pidNs = scan.Namespaces[new NamespaceKey(NamespaceType.Pid, sleeperProcess.Namespaces[NamespaceType.Pid])];
            Assert.Equal(scan.InitialNamespaces[NamespaceType.Pid], pidNs.ParentInode);
            Assert.Equal(inner.Inode, pidNs.OwnerInode);
            Assert.Equal(2, sleeperProcess.NsPids.Count);
            Assert.Equal(1, sleeperProcess.NsPids[1]);
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
        }
    }

    [Fact]
    public void MountinfoOfAZombieReadsAsGone()
    {
        Requirements.Root();
        // The backgrounded sleep exits at once; its parent then execs into a sleep that never reaps it.
        using var parent = Spawn("sh", "-c", "sleep 0 & echo $!; exec sleep 60");
        try
        {
            var zombie = int.Parse(parent.StandardOutput.ReadLine()!);
            WaitUntil(() => File.ReadAllText($"/proc/{zombie}/stat").Contains(") Z ", StringComparison.Ordinal));

            // A process caught in that state between its links and its mountinfo must not fail the scan.
            var e = Assert.ThrowsAny<IOException>(() => new ProcFileReader().ReadText($"/proc/{zombie}/mountinfo"));
            Assert.True(ProcFileReader.IsGone(e), $"{e.GetType().Name} {e.HResult}: {e.Message}");
        }
        finally
        {
            Stop(parent);
        }
    }

    [Fact]
    public void RepeatedScansAgreeOnStableNamespaces()
    {
        Requirements.Root();
        var scanner = new ProcScanner("/proc", NullLogger.Instance);
        var first = scanner.Scan();
        var second = scanner.Scan();

        Assert.Equal(first.InitialNamespaces, second.InitialNamespaces);
        foreach (var key in first.InitialNamespaces.Select(kv => new NamespaceKey(kv.Key, kv.Value)))
        {
            Assert.True(second.Namespaces.ContainsKey(key));
            Assert.Equal(first.Namespaces[key].OwnerInode, second.Namespaces[key].OwnerInode);
        }

        Assert.True(second.ScannedAt >= first.ScannedAt);
        Assert.Equal(second.Processes.OrderBy(p => p.Pid).Select(p => p.Pid), second.Processes.Select(p => p.Pid));
    }

    private const int CloneNewUts = 0x04000000;

    // DllImport rather than LibraryImport: the test project does not allow unsafe code, and these need no marshalling.
    [DllImport("libc", SetLastError = true)]
    private static extern int unshare(int flags);

    [DllImport("libc")]
    private static extern int gettid();

    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc")]
    private static extern uint getegid();

    private static int? FindSleeperBelow(int pid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(dir), out var candidate) || File.ReadAllText($"{dir}/comm").Trim() != "sleep")
                {
                    continue;
                }

                for (var p = candidate; p > 1;)
                {
                    var ppidLine = File.ReadLines($"/proc/{p}/status").First(l => l.StartsWith("PPid:", StringComparison.Ordinal));
                    p = int.Parse(ppidLine["PPid:".Length..].Trim());
                    if (p == pid)
                    {
                        return candidate;
                    }
                }
            }
            catch (IOException)
            {
            }
        }

        return null;
    }

    private static List<(ulong Inode, string Type, int? Pid)> RunLsns()
    {
        var json = Run("lsns", "-J", "-o", "NS,TYPE,NPROCS,PID");
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("namespaces").EnumerateArray().Select(e => (
            e.GetProperty("ns").GetUInt64(),
            e.GetProperty("type").GetString()!,
            e.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.Number ? pid.GetInt32() : (int?)null))];
    }
}
