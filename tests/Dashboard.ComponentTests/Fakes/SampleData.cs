namespace Dashboard.ComponentTests.Fakes;

/// <summary>
/// A host as the dashboard would see it: web1 and web2 on mynetwork, web1-debug joined to web1's network
/// (<c>--network container:web1</c>), pidtool with <c>--pid=host</c>, remapped from a <c>--userns-remap</c>
/// engine, old-job exited; plus a hidden net namespace kept by <c>ip netns add x</c>. Sharing is derived from
/// the inodes the same way the server decides it, so the data stays consistent.
/// </summary>
public static class SampleData
{
    public const ulong HostUser = 4026531837;
    public const ulong HostPid = 4026531836;
    public const ulong HiddenNet = 4026532530;
    public const ulong RemappedUser = 4026532510;
    public const ulong Web1Net = 4026532286;

    public static readonly IReadOnlyDictionary<NamespaceType, ulong> Initial = new Dictionary<NamespaceType, ulong>
    {
        [NamespaceType.Mnt] = 4026531841, [NamespaceType.Pid] = HostPid, [NamespaceType.Net] = 4026531840,
        [NamespaceType.Uts] = 4026531838, [NamespaceType.Ipc] = 4026531839, [NamespaceType.User] = HostUser,
        [NamespaceType.Cgroup] = 4026531835, [NamespaceType.Time] = 4026531834,
    };

    private static readonly Draft[] Drafts =
    [
        new("web1", "3f9c2a71d4e8b0c5a9e1f2d3c4b5a6978877665544332211aabbccddeeff0011", "nginx:1.27-alpine", "running", 4121,
            "nginx: master process nginx -g daemon off;",
            new() { NetworkMode = "mynetwork", IpcMode = "private", CgroupnsMode = "host", Privileged = false, CapAdd = [] },
            [new() { Network = "mynetwork", IPv4Address = "172.18.0.2/16", MacAddress = "02:42:ac:12:00:02" }],
            Own(4026532281, 4026532284, Web1Net, 4026532282, 4026532283)),
        new("web2", "8d41e0b7c2a95f3e6d1b0a9c8e7f6d5c4b3a29180716253443526170819a0b1c", "nginx:1.27-alpine", "running", 4188,
            "nginx: master process nginx -g daemon off;",
            new() { NetworkMode = "mynetwork", IpcMode = "private", CgroupnsMode = "private", Privileged = false, CapAdd = [] },
            [new() { Network = "mynetwork", IPv4Address = "172.18.0.3/16", MacAddress = "02:42:ac:12:00:03" }],
            Own(4026532345, 4026532348, 4026532350, 4026532346, 4026532347, cgroup: 4026532351)),
        new("web1-debug", "c0ffee12ab34cd56ef7890a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5", "busybox:1.36", "running", 4302, "sh",
            new() { NetworkMode = "container:3f9c2a71d4e8b0c5a9e1f2d3c4b5a6978877665544332211aabbccddeeff0011", IpcMode = "private",
                CgroupnsMode = "host", Privileged = false, CapAdd = ["NET_ADMIN", "NET_RAW"] },
            [],
            Own(4026532402, 4026532405, Web1Net, 4026532403, 4026532404)),
        new("pidtool", "5a5a0b1c2d3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccdde", "busybox:1.36", "running", 4377, "sleep 1d",
            new() { NetworkMode = "bridge", PidMode = "host", IpcMode = "private", CgroupnsMode = "host", Privileged = false, CapAdd = ["SYS_PTRACE"] },
            [new() { Network = "bridge", IPv4Address = "172.17.0.2/16", MacAddress = "02:42:ac:11:00:02" }],
            Own(4026532420, HostPid, 4026532423, 4026532421, 4026532422)),
        new("remapped", "9e8d7c6b5a4938271605f4e3d2c1b0a99887766554433221100ffeeddccbbaa9", "busybox:1.36", "running", 5010, "sleep 1d",
            new() { NetworkMode = "bridge", IpcMode = "private", CgroupnsMode = "host", Privileged = false, CapAdd = [] },
            [new() { Network = "bridge", IPv4Address = "172.17.0.3/16", MacAddress = "02:42:ac:11:00:03" }],
            Own(4026532505, 4026532508, 4026532511, 4026532506, 4026532507, user: RemappedUser)),
        new("old-job", "11aa22bb33cc44dd55ee66ff77008899aabbccddeeff00112233445566778899", "alpine:3.20", "exited", null, "",
            new() { NetworkMode = "bridge", IpcMode = "private", CgroupnsMode = "host", Privileged = false, CapAdd = [] },
            [], null),
    ];

    public static IReadOnlyList<ContainerInfo> Containers { get; } = Drafts.Select(ToContainer).ToList();

    public static IReadOnlyList<NamespaceDetail> Namespaces { get; } = BuildNamespaces();

    public static StatusInfo Status { get; } = new()
    {
        Docker = new() { Available = true, Endpoint = "unix:///var/run/docker.sock", Version = "20.10.24", ApiVersion = "1.41" },
        ProcRoot = "/proc",
        ProcessCount = 143,
        UnreadableProcessCount = 1,
        NamespaceCount = Namespaces.Count,
        ContainerCount = Containers.Count,
        ScannedAt = new DateTimeOffset(2026, 11, 28, 14, 3, 7, TimeSpan.Zero),
        ScanMilliseconds = 41.7,
    };

    public static ContainerInfo Container(string name) => Containers.Single(c => c.Name == name);

    public static NamespaceDetail Namespace(NamespaceType type, ulong inode) => Namespaces.Single(n => n.Type == type && n.Inode == inode);

    /// <summary>What <c>GET /api/containers/{name}/namespaces</c> answers: eight rows, or none when not running.</summary>
    /// <remarks>The descriptions and commands are the product's own, so that the pages are tested with what they show.</remarks>
    public static IReadOnlyList<ContainerNamespaceRow> NamespaceRows(ContainerInfo container) => NamespaceCatalog.ContainerRows(container);

    private static Dictionary<NamespaceType, ulong> Own(ulong mnt, ulong pid, ulong net, ulong uts, ulong ipc, ulong? user = null, ulong? cgroup = null) => new()
    {
        [NamespaceType.Mnt] = mnt, [NamespaceType.Pid] = pid, [NamespaceType.Net] = net, [NamespaceType.Uts] = uts,
        [NamespaceType.Ipc] = ipc, [NamespaceType.User] = user ?? HostUser,
        [NamespaceType.Cgroup] = cgroup ?? Initial[NamespaceType.Cgroup], [NamespaceType.Time] = Initial[NamespaceType.Time],
    };

    private static ContainerInfo ToContainer(Draft d) => new()
    {
        Id = d.Id,
        Name = d.Name,
        Image = d.Image,
        State = d.State,
        Pid = d.Pid,
        Created = new DateTimeOffset(2026, 11, 27, 9, 15, 0, TimeSpan.Zero),
        Labels = new Dictionary<string, string>
        {
            ["com.docker.compose.project"] = "demo",
            ["com.docker.compose.service"] = d.Name,
            ["maintainer"] = "ops@example.com",
        },
        HostConfig = d.HostConfig,
        Mounts = d.Name == "web1"
            ? [new() { Type = "bind", Source = "/srv/web1/html", Destination = "/usr/share/nginx/html", ReadOnly = true }]
            : [],
        Networks = d.Networks,
        Namespaces = d.Inodes?.ToDictionary(kv => kv.Key, kv => new ContainerNamespace
        {
            Inode = kv.Value,
            Sharing = Initial[kv.Key] == kv.Value ? Sharing.Host : Others(d, kv.Key).Any() ? Sharing.Shared : Sharing.Private,
            // As the server does: the host's namespaces do not name the containers in each container's record.
            SharedWith = Initial[kv.Key] == kv.Value ? [] : Others(d, kv.Key).Select(o => new ContainerRef { Id = o.Id, Name = o.Name }).ToList(),
        }),
    };

    private static IEnumerable<Draft> Others(Draft d, NamespaceType type) =>
        Drafts.Where(o => o != d && o.Inodes is not null && o.Inodes[type] == d.Inodes![type]);

    private static List<NamespaceDetail> BuildNamespaces()
    {
        var running = Drafts.Where(d => d.Inodes is not null).ToList();
        var keys = Initial.Select(kv => (Type: kv.Key, Inode: kv.Value))
            .Concat(running.SelectMany(d => d.Inodes!.Select(kv => (Type: kv.Key, Inode: kv.Value))))
            .Distinct()
            .ToList();

        var list = keys.Select(k =>
        {
            var initial = Initial[k.Type] == k.Inode;
            var members = running.Where(d => d.Inodes![k.Type] == k.Inode).ToList();
            var processes = initial
                ? [new NamespaceMember { Pid = 1, NsPid = 1, Ppid = 0, Command = "/sbin/init", User = "root" },
                   new NamespaceMember { Pid = 2, NsPid = 2, Ppid = 0, Command = "[kthreadd]", User = "root" }]
                : members.Select(d => new NamespaceMember
                    { Pid = d.Pid!.Value, NsPid = 1, Ppid = 2044, Command = d.Command, User = d.Name == "remapped" ? "100000" : "root" }).ToList();
            var owner = k.Type == NamespaceType.User
                ? (initial ? null : HostUser)
                : members.FirstOrDefault()?.Inodes![NamespaceType.User] ?? (initial ? HostUser : null);
            return new NamespaceDetail
            {
                Type = k.Type,
                Inode = k.Inode,
                ProcessCount = initial ? 96 : processes.Count,
                LowestPid = processes.Min(p => p.Pid),
                Command = processes.MinBy(p => p.Pid)?.Command,
                IsInitial = initial,
                OwnerInode = owner,
                ParentInode = !initial && k.Type is NamespaceType.Pid or NamespaceType.User ? Initial[k.Type] : null,
                Containers = members.Select(d => d.Name).ToList(),
                BindMounts = k.Type == NamespaceType.Net && !initial ? [$"/run/docker/netns/{k.Inode % 1000000:x12}"] : [],
                OpenDescriptors = [],
                Hidden = false,
                KeptAliveBy = [],
                Processes = processes,
                UidMap = k.Type == NamespaceType.User ? [IdentityOrRemap(initial)] : null,
                GidMap = k.Type == NamespaceType.User ? [IdentityOrRemap(initial)] : null,
                Children = k.Type == NamespaceType.User && !initial
                    ? running.Where(d => d.Inodes![NamespaceType.User] == k.Inode)
                        .SelectMany(d => d.Inodes!.Where(kv => kv.Key != NamespaceType.User && kv.Value != Initial[kv.Key]))
                        .Select(kv => new NamespaceRef { Type = kv.Key, Inode = kv.Value, Relation = NamespaceRelation.Owned }).ToList()
                    : [],
            };
        }).ToList();

        // web1's network namespace also holds a thread of dockerd that entered it (setns on one thread only).
        var web1Net = list.Single(n => n.Type == NamespaceType.Net && n.Inode == Web1Net);
        list[list.IndexOf(web1Net)] = web1Net with
        {
            Processes = [.. web1Net.Processes, new NamespaceMember { Pid = 2044, Tid = 2078, NsPid = 2044, Ppid = 1, Command = "/usr/bin/dockerd -H fd://", User = "root" }],
        };

        // `ip netns add x`: no process, alive only through its nsfs bind mount.
        list.Add(new NamespaceDetail
        {
            Type = NamespaceType.Net, Inode = HiddenNet, ProcessCount = 0, IsInitial = false, OwnerInode = HostUser,
            Containers = [], BindMounts = ["/run/netns/x"], OpenDescriptors = [], Hidden = true, KeptAliveBy = [KeptAliveReason.BindMount],
            Processes = [], Children = [],
        });
        return list;
    }

    private static IdMapRange IdentityOrRemap(bool initial) => initial
        ? new() { InsideId = 0, OutsideId = 0, Count = 4294967295 }
        : new() { InsideId = 0, OutsideId = 100000, Count = 65536 };

    private sealed record Draft(
        string Name, string Id, string Image, string State, int? Pid, string Command,
        ContainerHostConfig HostConfig, IReadOnlyList<ContainerEndpoint> Networks, Dictionary<NamespaceType, ulong>? Inodes);
}
