using Dashboard.ComponentTests.Fakes;

namespace Dashboard.ComponentTests.Model;

public sealed class NamespaceFilterTests
{
    private static NamespaceSummary Ns(NamespaceType type, ulong inode, int? pid = null, string? command = null,
        string[]? containers = null, string[]? bindMounts = null) => new()
    {
        Type = type, Inode = inode, ProcessCount = pid is null ? 0 : 1, LowestPid = pid, Command = command, IsInitial = false,
        Containers = containers ?? [], BindMounts = bindMounts ?? [], OpenDescriptors = [],
        Hidden = pid is null, KeptAliveBy = pid is null ? [KeptAliveReason.BindMount] : [],
    };

    private static readonly NamespaceSummary Web1Net = Ns(NamespaceType.Net, 4026532286, 4121, "nginx: master process", ["web1", "web1-debug"], ["/run/docker/netns/8a3f1c2d9e4b"]);
    private static readonly NamespaceSummary Hidden = Ns(NamespaceType.Net, 4026532530, bindMounts: ["/run/netns/x"]);
    private static readonly NamespaceSummary Web1Pid = Ns(NamespaceType.Pid, 4026532284, 4121, "nginx: master process", ["web1"]);

    [Theory]
    [InlineData("4026532286", true)]
    [InlineData("32286", true)]
    [InlineData("4121", true)]
    [InlineData("412", false)]
    [InlineData("WEB1-DEBUG", true)]
    [InlineData("nginx", true)]
    [InlineData("/run/docker/netns/", true)]
    [InlineData("redis", false)]
    public void Query_matches_inode_pid_container_command_and_bind_mount(string query, bool matches) =>
        Assert.Equal(matches, NamespaceFilter.Matches(Web1Net, null, query));

    [Fact]
    public void Type_filter_applies_before_the_query()
    {
        Assert.False(NamespaceFilter.Matches(Web1Pid, NamespaceType.Net, "web1"));
        Assert.True(NamespaceFilter.Matches(Web1Pid, NamespaceType.Pid, "web1"));
    }

    [Fact]
    public void A_hidden_namespace_is_found_by_its_bind_mount() =>
        Assert.Equal([Hidden], NamespaceFilter.Apply([Web1Net, Hidden, Web1Pid], null, "/run/netns/x"));

    [Fact]
    public void Results_are_in_type_order_then_by_inode() =>
        Assert.Equal([Web1Pid, Web1Net, Hidden], NamespaceFilter.Apply([Hidden, Web1Net, Web1Pid], null, null));

    [Fact]
    public void Counts_every_type_including_empty_ones()
    {
        var counts = NamespaceFilter.CountByType(SampleData.Namespaces);

        Assert.Equal(NamespaceTypes.All, counts.Select(c => c.Type));
        Assert.Equal(new TypeCount(NamespaceType.Net, 6), counts.Single(c => c.Type == NamespaceType.Net));
        Assert.Equal(0, NamespaceFilter.CountByType([Web1Net]).Single(c => c.Type == NamespaceType.Time).Count);
    }

    [Theory]
    [InlineData("net", NamespaceType.Net)]
    [InlineData("cgroup", NamespaceType.Cgroup)]
    [InlineData("NET", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Type_parameter_uses_kernel_names(string? value, NamespaceType? type) =>
        Assert.Equal(type, NamespaceFilter.ParseType(value));
}
