using Dashboard.Server.Collection.Docker;

namespace Dashboard.UnitTests.Docker;

public sealed class DockerReconcileTests
{
    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    private static DockerListing Listing(Dictionary<string, string> containers, params string[] networks) => new(containers, networks);

    [Fact]
    public void NothingChangedAsksForNothing()
    {
        var plan = DockerReconcile.Plan(
            new Dictionary<string, string> { ["a"] = "running|/a|", ["b"] = "exited|/b|" },
            new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["n1"], ["b"] = [] },
            new HashSet<string> { "n1" },
            Listing(new() { ["a"] = "running|/a|", ["b"] = "exited|/b|" }, "n1"),
            None, None);

        Assert.Empty(plan.InspectContainers);
        Assert.Empty(plan.RemoveContainers);
        Assert.Empty(plan.InspectNetworks);
        Assert.Empty(plan.RemoveNetworks);
    }

    [Fact]
    public void NewChangedAndEventNamedContainersAreInspectedAndTheirOldNetworksToo()
    {
        var plan = DockerReconcile.Plan(
            new Dictionary<string, string> { ["a"] = "running|/a|", ["b"] = "running|/b|", ["c"] = "running|/c|", ["gone"] = "running|/gone|" },
            new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["n1"], ["b"] = ["n2"], ["c"] = ["n3"], ["gone"] = ["n4"] },
            new HashSet<string> { "n1", "n2", "n3", "n4" },
            Listing(new() { ["a"] = "exited|/a|", ["b"] = "running|/b|", ["c"] = "running|/c|", ["new"] = "created|/new|" }, "n1", "n2", "n3", "n4"),
            new HashSet<string> { "b" }, None);

        // a changed state, b was named by an event, new is new; c is untouched.
        Assert.Equal(["a", "b", "new"], plan.InspectContainers);
        Assert.Equal(["gone"], plan.RemoveContainers);
        // Member lists change with the containers that were on them.
        Assert.Equal(["n1", "n2", "n4"], plan.InspectNetworks);
        Assert.Empty(plan.RemoveNetworks);
    }

    [Fact]
    public void NetworksComeAndGoWithTheListAndEventsMarkThemStale()
    {
        var plan = DockerReconcile.Plan(
            new Dictionary<string, string>(),
            new Dictionary<string, IReadOnlyList<string>>(),
            new HashSet<string> { "old", "kept", "touched" },
            Listing(new(), "kept", "touched", "fresh"),
            None, new HashSet<string> { "touched", "destroyed-before-listing" });

        Assert.Equal(["fresh", "touched"], plan.InspectNetworks);
        Assert.Equal(["old"], plan.RemoveNetworks);
    }

    [Theory]
    [InlineData("container", "start", "c1", null, "c1", null)]
    [InlineData("container", "destroy", "c1", null, "c1", null)]
    [InlineData("network", "connect", "n1", "c1", "c1", "n1")]
    [InlineData("network", "create", "n1", null, null, "n1")]
    [InlineData("image", "pull", "busybox", null, null, null)]
    public void EventsNameWhatTheyMakeStale(string type, string action, string actor, string? containerAttribute, string? container, string? network)
    {
        var attributes = containerAttribute is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["container"] = containerAttribute };
        Assert.Equal((container, network), DockerReconcile.Stale(new DockerEvent(type, action, actor, attributes)));
    }
}
