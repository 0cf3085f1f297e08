using Dashboard.Server.Collection.Docker;
using Dashboard.Server.Collection.Proc;
using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.UnitTests.State;

/// <summary>Sharing and membership logic on hand-made scans (the live comparison is in the integration tests).</summary>
public sealed class HostStateBuilderTests
{
    // Inodes shaped like the kernel's: the initial namespaces are the low 40265318xx ones.
    internal static readonly Dictionary<NamespaceType, ulong> Initial = new()
    {
        [NamespaceType.Mnt] = 4026531841, [NamespaceType.Pid] = 4026531836, [NamespaceType.Net] = 4026531840,
        [NamespaceType.Uts] = 4026531838, [NamespaceType.Ipc] = 4026531839, [NamespaceType.User] = 4026531837,
        [NamespaceType.Cgroup] = 4026531835, [NamespaceType.Time] = 4026531834,
    };

    internal static Dictionary<NamespaceType, ulong> Own(ulong baseInode, params NamespaceType[] hostTypes)
    {
        var ns = new Dictionary<NamespaceType, ulong>(Initial);
        var i = 0UL;
        foreach (var t in new[] { NamespaceType.Mnt, NamespaceType.Pid, NamespaceType.Net, NamespaceType.Uts, NamespaceType.Ipc })
        {
            if (!hostTypes.Contains(t))
            {
                ns[t] = baseInode + i++;
            }
        }

        return ns;
    }

    internal static ProcessRecord Proc(int pid, int ppid, IReadOnlyDictionary<NamespaceType, ulong> ns, params int[] nsPids) => new()
    {
        Pid = pid, Ppid = ppid, NsPids = nsPids.Length > 0 ? nsPids : [pid], Name = "sleep", Command = "sleep 1d",
        Uid = 0, User = "root", StartTime = 100, Namespaces = ns, Threads = [],
    };

    internal static ProcScan Scan(params ProcessRecord[] processes)
    {
        var namespaces = new Dictionary<NamespaceKey, NamespaceRecord>();
        foreach (var p in processes)
        {
            foreach (var (t, i) in p.Namespaces)
            {
                var key = new NamespaceKey(t, i);
                namespaces.TryAdd(key, new NamespaceRecord { Key = key });
            }
        }

        return new ProcScan
        {
            ProcRoot = "/proc", Processes = processes, Namespaces = namespaces, InitialNamespaces = Initial,
            UnreadableProcessCount = 1, ScannedAt = DateTimeOffset.UnixEpoch, Duration = TimeSpan.FromMilliseconds(3),
        };
    }

    internal static DockerContainer Container(string name, int? pid, string state = "running") => new()
    {
        Id = name + new string('0', 64 - name.Length), Name = name, Image = "busybox", State = state, Pid = pid,
        Created = DateTimeOffset.UnixEpoch, Labels = new Dictionary<string, string>(),
        HostConfig = new ContainerHostConfig { Privileged = false, CapAdd = [] }, Mounts = [], Endpoints = [],
    };

    internal static DockerState Docker(params DockerContainer[] containers) =>
        new() { Available = true, Version = "20.10", ApiVersion = "1.41", Containers = containers, Networks = [] };

    [Fact]
    public void SharingComesFromInodes()
    {
        var web1 = Own(4026532200);
        var joiner = Own(4026532300);
        joiner[NamespaceType.Net] = web1[NamespaceType.Net];
        var pidHost = Own(4026532400, NamespaceType.Pid);

        var state = HostStateBuilder.Build(
            Scan(Proc(2, 0, Initial), Proc(100, 1, web1), Proc(200, 1, joiner), Proc(300, 1, pidHost)),
            Docker(Container("web1", 100), Container("joiner", 200), Container("pidhost", 300), Container("stopped", null, "exited")),
            "unix:///var/run/docker.sock", 0);

        var byName = state.Containers.ToDictionary(c => c.Name);
        Assert.Equal(Sharing.Shared, byName["web1"].Namespaces![NamespaceType.Net].Sharing);
        Assert.Equal("joiner", Assert.Single(byName["web1"].Namespaces![NamespaceType.Net].SharedWith).Name);
        Assert.Equal(Sharing.Shared, byName["joiner"].Namespaces![NamespaceType.Net].Sharing);
        Assert.Equal(Sharing.Private, byName["joiner"].Namespaces![NamespaceType.Pid].Sharing);
        Assert.Equal(Sharing.Host, byName["pidhost"].Namespaces![NamespaceType.Pid].Sharing);
        Assert.Null(byName["stopped"].Namespaces);

        // All three are in the host's user namespace: host wins over shared, and the namespace, not each container, names them.
        var user = byName["web1"].Namespaces![NamespaceType.User];
        Assert.Equal(Sharing.Host, user.Sharing);
        Assert.Empty(user.SharedWith);
        var userNs = state.NamespaceList.Single(n => n.Type == NamespaceType.User && n.Inode == user.Inode);
        Assert.Equal(["joiner", "pidhost", "web1"], userNs.Containers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TheStateCarriesTheTopologyWithTheGivenGenerationsAndTheReachability()
    {
        var web1 = Own(4026532200);
        var joiner = Own(4026532300);
        joiner[NamespaceType.Net] = web1[NamespaceType.Net];

        var state = HostStateBuilder.Build(
            Scan(Proc(2, 0, Initial), Proc(100, 1, web1), Proc(200, 1, joiner)),
            Docker(Container("web1", 100), Container("joiner", 200)),
            "x", 0, netnsGenerations: new Dictionary<ulong, int> { [web1[NamespaceType.Net]] = 4 });

        var netnsId = $"netns:{web1[NamespaceType.Net]}.4";
        Assert.Equal(["host", netnsId], state.Topology.Nodes.Where(n => n.Kind is "host" or "netns").Select(n => n.Id));
        Assert.Equal(2, state.Topology.Edges.Count(e => e.Kind == TopologyEdgeKinds.MemberOf && e.Target == netnsId));
        var pair = Assert.Single(state.Reachability.Pairs);
        Assert.Equal(("joiner", "web1", true, "same network namespace"), (pair.A.Name, pair.B.Name, pair.Reachable, pair.Reason));
    }

    [Fact]
    public void ContainerWhoseInitVanishedHasNoNamespaces()
    {
        var state = HostStateBuilder.Build(Scan(Proc(2, 0, Initial)), Docker(Container("gone", 4242)), "x", 0);
        Assert.Null(Assert.Single(state.Containers).Namespaces);
    }

    [Fact]
    public void NamespacesCountProcessesAndNameContainers()
    {
        var web1 = Own(4026532200);
        var state = HostStateBuilder.Build(
            Scan(Proc(2, 0, Initial), Proc(100, 1, web1, 100, 1), Proc(150, 100, web1, 150, 7), Proc(90, 1, Initial)),
            Docker(Container("web1", 100)), "x", 0);

        var net = state.Namespaces[new NamespaceKey(NamespaceType.Net, web1[NamespaceType.Net])];
        Assert.Equal(2, net.ProcessCount);
        Assert.Equal(100, net.LowestPid);
        Assert.Equal(["web1"], net.Containers);
        Assert.False(net.IsInitial);
        Assert.Equal([1, 7], net.Processes.Select(p => p.NsPid));

        var hostNet = state.Namespaces[new NamespaceKey(NamespaceType.Net, Initial[NamespaceType.Net])];
        Assert.True(hostNet.IsInitial);
        Assert.Equal(2, hostNet.LowestPid);
        Assert.Equal(1, state.Status.UnreadableProcessCount);

        Assert.Equal("web1", state.Processes[150].Container?.Name);
        Assert.Null(state.Processes[90].Container);
    }

    [Fact]
    public void HiddenNamespacesSayWhatKeepsThemAlive()
    {
        var scan = Scan(Proc(2, 0, Initial));
        var bound = new NamespaceKey(NamespaceType.Net, 4026532500);
        var owner = new NamespaceKey(NamespaceType.User, 4026532600);
        var namespaces = (Dictionary<NamespaceKey, NamespaceRecord>)scan.Namespaces;
        namespaces[bound] = new NamespaceRecord { Key = bound, OwnerInode = owner.Inode };
        namespaces[bound].BindMounts.Add("/run/netns/x");
        namespaces[owner] = new NamespaceRecord { Key = owner, FoundAsOwner = true };

        var state = HostStateBuilder.Build(scan, Docker(), "x", 0);
        var netNs = state.Namespaces[bound];
        Assert.True(netNs.Hidden);
        Assert.Equal([KeptAliveReason.BindMount], netNs.KeptAliveBy);
        var userNs = state.Namespaces[owner];
        Assert.Equal([KeptAliveReason.Owner], userNs.KeptAliveBy);
        Assert.Equal(new NamespaceRef { Type = NamespaceType.Net, Inode = bound.Inode, Relation = NamespaceRelation.Owned }, Assert.Single(userNs.Children));
        Assert.False(state.Namespaces[new NamespaceKey(NamespaceType.Net, Initial[NamespaceType.Net])].Hidden);
    }

    [Fact]
    public void UnavailableEngineStillGivesTheHostsNamespaces()
    {
        var state = HostStateBuilder.Build(Scan(Proc(2, 0, Initial)), DockerState.Unavailable("connection refused"), "unix:///nope.sock", 0);
        Assert.False(state.Status.Docker.Available);
        Assert.Equal("connection refused", state.Status.Docker.Error);
        Assert.Empty(state.Containers);
        Assert.Equal(8, state.NamespaceList.Count);
        Assert.All(state.NamespaceList, n => Assert.True(n.IsInitial));
    }
}
