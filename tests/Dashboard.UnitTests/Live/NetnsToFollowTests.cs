using Dashboard.Server.Collection.Proc;
using Dashboard.Server.Live;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;
using Dashboard.UnitTests.State;

namespace Dashboard.UnitTests.Live;

/// <summary>
/// Which network namespaces get a socket of their own: those whose holders announce their going. A socket would keep
/// a namespace held only by a descriptor alive after the descriptor closed, which no event reports.
/// </summary>
public sealed class NetnsToFollowTests
{
    private const ulong Container = 4026532200;
    private const ulong Mounted = 4026532300;
    private const ulong FdOnly = 4026532400;

    private static ProcScan Scan()
    {
        var scan = HostStateBuilderTests.Scan(
            HostStateBuilderTests.Proc(100, 1, HostStateBuilderTests.Initial),
            HostStateBuilderTests.Proc(200, 1, HostStateBuilderTests.Own(Container)));
        var namespaces = new Dictionary<NamespaceKey, NamespaceRecord>(scan.Namespaces);
        var mounted = new NamespaceRecord { Key = new NamespaceKey(NamespaceType.Net, Mounted) };
        mounted.BindMounts.Add("/run/netns/blue");
        namespaces[mounted.Key] = mounted;
        var fdOnly = new NamespaceRecord { Key = new NamespaceKey(NamespaceType.Net, FdOnly) };
        fdOnly.OpenDescriptors.Add(new FileDescriptorRef { Pid = 100, Fd = 7 });
        namespaces[fdOnly.Key] = fdOnly;
        return new ProcScan
        {
            ProcRoot = scan.ProcRoot, Processes = scan.Processes, Namespaces = namespaces, InitialNamespaces = scan.InitialNamespaces,
            UnreadableProcessCount = 0, ScannedAt = scan.ScannedAt, Duration = scan.Duration,
        };
    }

    [Fact]
    public void NamespacesWithAProcessOrABindMountAreFollowed()
    {
        var followed = EventSources.NetnsToFollow(Scan());

        Assert.Contains(HostStateBuilderTests.Own(Container)[NamespaceType.Net], followed.Keys);
        Assert.Contains(Mounted, followed.Keys);
        Assert.Contains(HostStateBuilderTests.Initial[NamespaceType.Net], followed.Keys);
    }

    [Fact]
    public void ANamespaceHeldOnlyByADescriptorIsNot()
    {
        Assert.DoesNotContain(FdOnly, EventSources.NetnsToFollow(Scan()).Keys);
    }

    [Fact]
    public void OnlyNetworkNamespacesAreFollowed()
    {
        var scan = Scan();

        Assert.Equal(
            scan.Namespaces.Values.Count(n => n.Type == NamespaceType.Net) - 1,
            EventSources.NetnsToFollow(scan).Count);
    }
}
