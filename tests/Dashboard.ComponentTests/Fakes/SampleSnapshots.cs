namespace Dashboard.ComponentTests.Fakes;

/// <summary>
/// Snapshots of <see cref="SampleData"/>'s host. <see cref="Past"/> is the host a while ago: web2 was then called
/// web2-old (so a page that shows web2-old reads the snapshot, not the live state). <see cref="Diff"/> is what a
/// diff between two of them answers: web3 came, old-job went, web1 joined web1-debug's network namespace.
/// </summary>
public static class SampleSnapshots
{
    public const long PastId = 7;
    public const string PastOnlyContainer = "web2-old";
    public const ulong Web3Net = 4026532990;
    public const ulong OldJobMnt = 4026532111;

    /// <summary>The "now" of the component tests, a little after the last sample snapshot.</summary>
    public static DateTimeOffset Now { get; } = new(2026, 11, 28, 14, 30, 0, TimeSpan.Zero);

    public static SnapshotSummary Summary(long id, DateTimeOffset takenAt, SnapshotReason reason = SnapshotReason.Timer, int containers = 6, int namespaces = 40) => new()
    {
        Id = id,
        TakenAt = takenAt,
        Reason = reason,
        Epoch = "e-2026-11-28",
        Version = id * 10,
        ContainerCount = containers,
        NamespaceCount = namespaces,
    };

    /// <summary>Snapshots 1 to <paramref name="count"/>, five minutes apart, the last a minute before <see cref="Now"/>.</summary>
    public static List<SnapshotSummary> Timeline(int count) => Enumerable.Range(1, count)
        .Select(i => Summary(i, Now.AddMinutes(-1 - 5 * (count - i)), i == 1 ? SnapshotReason.Startup : i % 3 == 0 ? SnapshotReason.Change : SnapshotReason.Timer,
            containers: 5 + i % 2))
        .ToList();

    public static SnapshotDetail Past { get; } = new()
    {
        Snapshot = Summary(PastId, new DateTimeOffset(2026, 11, 28, 14, 3, 7, TimeSpan.Zero), SnapshotReason.Change),
        State = new SnapshotState
        {
            Containers = SampleData.Containers.Select(c => c.Name == "web2" ? c with { Name = PastOnlyContainer } : c).ToList(),
            // A snapshot stores what GET /api/namespaces lists: no processes, no id maps, no children.
            Namespaces = SampleData.Namespaces
                .Select(n => n.ToSummary() with { Containers = n.Containers.Select(c => c == "web2" ? PastOnlyContainer : c).ToList() })
                .ToList(),
            Networks = [],
            NetworkNamespaces = [],
            Topology = SampleTopology.Graph,
            Reachability = SampleTopology.Reachability,
        },
    };

    public static SnapshotDiff Diff(long from = 6, long to = PastId) => new()
    {
        From = Summary(from, new DateTimeOffset(2026, 11, 28, 13, 58, 0, TimeSpan.Zero)),
        To = Summary(to, new DateTimeOffset(2026, 11, 28, 14, 3, 7, TimeSpan.Zero), SnapshotReason.Change),
        ContainersAdded = [new() { Id = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12", Name = "web3" }],
        ContainersRemoved = [new() { Id = SampleData.Container("old-job").Id, Name = "old-job" }],
        ContainersChanged =
        [
            new()
            {
                Container = new() { Id = SampleData.Container("web1").Id, Name = "web1" },
                Fields = ["pid", "namespaces"],
                Sharing =
                [
                    new()
                    {
                        Type = NamespaceType.Net, InodeBefore = 4026532200, InodeAfter = SampleData.Web1Net,
                        Before = Sharing.Private, After = Sharing.Shared, SharedWithBefore = [], SharedWithAfter = ["web1-debug"],
                    },
                    new() { Type = NamespaceType.Pid, InodeBefore = 4026532201, InodeAfter = 4026532284, Before = Sharing.Private, After = Sharing.Private },
                ],
            },
        ],
        NamespacesAdded = [new() { Type = NamespaceType.Net, Inode = Web3Net, Containers = ["web3"] }],
        NamespacesRemoved = [new() { Type = NamespaceType.Mnt, Inode = OldJobMnt, Containers = ["old-job"] }],
        InterfacesAdded = [new() { NetnsInode = Web3Net, Name = "eth0", Kind = NetInterfaceKind.Veth, Containers = ["web3"] }],
        InterfacesRemoved = [new() { NetnsInode = 4026531840, Name = "veth3a1b2c4", Kind = NetInterfaceKind.Veth, Containers = [] }],
        AddressesAdded = [new() { NetnsInode = Web3Net, Interface = "eth0", Address = "172.18.0.4/16", Containers = ["web3"] }],
        AddressesRemoved = [],
    };

    /// <summary>A diff between two snapshots of an unchanged host.</summary>
    public static SnapshotDiff EmptyDiff(long from, long to) => Diff(from, to) with
    {
        ContainersAdded = [], ContainersRemoved = [], ContainersChanged = [], NamespacesAdded = [], NamespacesRemoved = [],
        InterfacesAdded = [], InterfacesRemoved = [], AddressesAdded = [], AddressesRemoved = [],
    };
}
