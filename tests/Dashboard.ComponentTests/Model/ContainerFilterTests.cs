using Dashboard.ComponentTests.Fakes;

namespace Dashboard.ComponentTests.Model;

public sealed class ContainerFilterTests
{
    private static IEnumerable<string> Names(string? query, bool runningOnly = false) =>
        ContainerFilter.Apply(SampleData.Containers, query, runningOnly).Select(c => c.Name);

    [Fact]
    public void Empty_query_keeps_everything_sorted_by_name() =>
        Assert.Equal(["old-job", "pidtool", "remapped", "web1", "web1-debug", "web2"], Names("  "));

    [Fact]
    public void Matches_name_ignoring_case() => Assert.Equal(["web1", "web1-debug"], Names("WEB1"));

    [Fact]
    public void Matches_image() => Assert.Equal(["old-job"], Names("alpine:3"));

    [Fact]
    public void Matches_the_start_of_the_id_only()
    {
        Assert.Equal(["web2"], Names("8d41e0"));
        Assert.Empty(Names("e0b7c2"));
    }

    [Fact]
    public void Running_only_drops_exited_containers()
    {
        Assert.Equal(["old-job"], Names("old"));
        Assert.Empty(Names("old", runningOnly: true));
        Assert.Equal(["pidtool", "remapped", "web1", "web1-debug", "web2"], Names(null, runningOnly: true));
    }
}
