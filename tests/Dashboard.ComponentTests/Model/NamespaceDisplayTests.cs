namespace Dashboard.ComponentTests.Model;

public sealed class NamespaceDisplayTests
{
    private static NamespaceSummary Hidden(KeptAliveReason[] keptAliveBy, string[]? bindMounts = null, FileDescriptorRef[]? fds = null) => new()
    {
        Type = NamespaceType.Net, Inode = 4026532530, ProcessCount = 0, IsInitial = false, Containers = [],
        BindMounts = bindMounts ?? [], OpenDescriptors = fds ?? [], Hidden = true, KeptAliveBy = keptAliveBy,
    };

    [Fact]
    public void Bind_mounts_and_descriptors_are_named_one_by_one() =>
        Assert.Equal(["bind-mount /run/netns/x", "fd 812/7", "owner"],
            NamespaceDisplay.KeptAliveReasons(Hidden([KeptAliveReason.BindMount, KeptAliveReason.Fd, KeptAliveReason.Owner], ["/run/netns/x"], [new() { Pid = 812, Fd = 7 }])));

    [Fact]
    public void A_reason_without_details_is_shown_as_is() =>
        Assert.Equal(["fd", "parent"], NamespaceDisplay.KeptAliveReasons(Hidden([KeptAliveReason.Fd, KeptAliveReason.Parent])));

    [Fact]
    public void Thread_rows_are_labelled()
    {
        var member = new NamespaceMember { Pid = 2044, NsPid = 2044, Ppid = 1, Command = "dockerd", User = "root" };
        Assert.Equal("", NamespaceDisplay.ThreadLabel(member));
        Assert.Equal("thread 2078", NamespaceDisplay.ThreadLabel(member with { Tid = 2078 }));
    }

    [Fact]
    public void Links_use_kernel_names_and_escape_the_query()
    {
        Assert.Equal("namespaces/net/4026532286", DashboardLinks.Live.Namespace(NamespaceType.Net, 4026532286));
        Assert.Equal("namespaces?type=net&q=%2Frun%2Fnetns%2Fx", DashboardLinks.Live.Namespaces(NamespaceType.Net, "/run/netns/x"));
        Assert.Equal("namespaces", DashboardLinks.Live.Namespaces());
        Assert.Equal("containers/web1-debug", DashboardLinks.Live.Container("web1-debug"));
    }
}
