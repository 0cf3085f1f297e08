using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.UnitTests.Proc;

public sealed class NamespaceRegistryTests
{
    private static readonly NamespaceKey s_initialUser = new(NamespaceType.User, 4026531837);
    private static readonly NamespaceKey s_childUser = new(NamespaceType.User, 4026532300);
    private static readonly NamespaceKey s_grandchildUser = new(NamespaceType.User, 4026532301);
    private static readonly NamespaceKey s_net = new(NamespaceType.Net, 4026532302);

    [Fact]
    public void NamespacesReachedOnlyThroughRelationsAreMarkedByEveryRelationThatLedThere()
    {
        var known = new NamespaceRegistry();
        // A net namespace in a grandchild user namespace, whose parent has no process left: found only as the
        // grandchild's owner and parent at once.
        known.Register(s_net).AddProcDir("/proc/40");
        known.Register(s_grandchildUser).AddProcDir("/proc/40");
        known.Register(s_initialUser).AddProcDir("/proc/2");
        known[s_net].OwnerInode = s_grandchildUser.Inode;
        known[s_grandchildUser].OwnerInode = s_childUser.Inode;
        known[s_grandchildUser].ParentInode = s_childUser.Inode;
        known.AddRelated(s_childUser).OwnerInode = s_initialUser.Inode;
        known[s_childUser].ParentInode = s_initialUser.Inode;
        known.AddRelated(s_initialUser);

        var records = known.Publish();

        Assert.True(records[s_childUser].FoundAsOwner);
        Assert.True(records[s_childUser].FoundAsParent);
        Assert.Empty(records[s_childUser].OpenPaths);
        // Found through a process as well: not "only as an owner", however many point at it.
        Assert.False(records[s_initialUser].FoundAsOwner);
        Assert.False(records[s_initialUser].FoundAsParent);
        Assert.False(records[s_grandchildUser].FoundAsOwner);
        Assert.False(records[s_net].FoundAsOwner);
    }

    [Fact]
    public void OpenPathsListProcessLinksFirstThenMountsAndDescriptorsAtMostFourEach()
    {
        var known = new NamespaceRegistry();
        var ns = known.Register(s_net);
        ns.AddPath("/proc/7/root/run/netns/a");
        for (var pid = 10; pid < 16; pid++)
        {
            ns.AddProcDir($"/proc/{pid}");
        }

        ns.AddPath("/proc/7/root/run/netns/a");
        ns.AddPath("/proc/9/fd/3");
        ns.AddBindMount("/run/netns/a");
        ns.AddBindMount("/run/netns/a");

        var record = known.Publish()[s_net];

        Assert.Equal(
            ["/proc/10/ns/net", "/proc/11/ns/net", "/proc/12/ns/net", "/proc/13/ns/net", "/proc/7/root/run/netns/a", "/proc/9/fd/3"],
            record.OpenPaths);
        Assert.Equal(["/run/netns/a"], record.BindMounts);
    }

    [Fact]
    public void EachPublishGivesNewRecords()
    {
        var known = new NamespaceRegistry();
        known.Register(s_net).AddOpenDescriptor(new FileDescriptorRef { Pid = 9, Fd = 3 });

        var first = known.Publish()[s_net];
        first.OpenDescriptors.Clear();

        Assert.Equal([new FileDescriptorRef { Pid = 9, Fd = 3 }], known.Publish()[s_net].OpenDescriptors);
    }
}
