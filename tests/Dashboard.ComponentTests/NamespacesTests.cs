using Dashboard.Client.Pages;
using Dashboard.ComponentTests.Fakes;
using Dashboard.Shared.Model;
using MudBlazor;

namespace Dashboard.ComponentTests;

public sealed class NamespacesTests : DashboardTest
{
    private IRenderedComponent<Namespaces> RenderLoaded(string address = "namespaces")
    {
        Navigation.NavigateTo(address);
        var cut = RenderPage<Namespaces>();
        cut.WaitForState(() => cut.FindAll("[data-testid=loading]").Count == 0);
        return cut;
    }

    private static IReadOnlyList<string> Rows(IRenderedComponent<Namespaces> cut) =>
        cut.FindAll("[data-testid^=ns-row-]").Select(r => r.GetAttribute("data-testid")!["ns-row-".Length..]).ToList();

    private static string Text(IRenderedComponent<Namespaces> cut, string testId) =>
        cut.Find($"[data-testid='{testId}']").TextContent.Trim();

    [Fact]
    public void Shows_counts_per_type()
    {
        var cut = RenderLoaded();

        Assert.Equal("all 34", Text(cut, "type-all"));
        Assert.Equal("net 6", Text(cut, "type-net"));
        Assert.Equal("pid 5", Text(cut, "type-pid"));
        Assert.Equal("user 2", Text(cut, "type-user"));
        Assert.Equal("time 1", Text(cut, "type-time"));
        Assert.Equal(34, Rows(cut).Count);
    }

    [Fact]
    public void Marks_the_hidden_namespace_and_what_keeps_it_alive()
    {
        var cut = RenderLoaded();

        var flags = Text(cut, $"ns-flags-{SampleData.HiddenNet}");
        Assert.Contains("hidden", flags);
        Assert.Contains("bind-mount /run/netns/x", flags);
        Assert.DoesNotContain("hidden", Text(cut, $"ns-flags-{SampleData.Web1Net}"));
    }

    [Fact]
    public void Marks_the_initial_namespaces_and_links_owner_and_parent()
    {
        var cut = RenderLoaded();

        Assert.Equal("host initial", Text(cut, $"ns-flags-{SampleData.HostPid}"));
        var remapped = cut.Find($"[data-testid=ns-row-user-{SampleData.RemappedUser}]");
        var links = remapped.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains($"namespaces/user/{SampleData.RemappedUser}", links);
        Assert.Contains($"namespaces/user/{SampleData.HostUser}", links);
    }

    [Fact]
    public void Lists_the_containers_of_a_shared_namespace()
    {
        var cut = RenderLoaded();

        var links = cut.FindAll($"[data-testid=ns-containers-{SampleData.Web1Net}] a");
        Assert.Equal(["web1", "web1-debug"], links.Select(a => a.TextContent.Trim()));
        Assert.Equal("containers/web1-debug", links[1].GetAttribute("href"));
    }

    [Fact]
    public void Clicking_a_type_chip_filters_and_updates_the_address()
    {
        var cut = RenderLoaded();

        cut.Find("[data-testid=type-user]").Click();

        cut.WaitForAssertion(() => Assert.Equal([$"user-{SampleData.HostUser}", $"user-{SampleData.RemappedUser}"], Rows(cut)));
        Assert.EndsWith("namespaces?type=user", Navigation.Uri);
    }

    /// <summary>A host's worth: 1500 more network namespaces, inodes above the sample's.</summary>
    private void AddMany()
    {
        var template = SampleData.Namespace(NamespaceType.Net, SampleData.HiddenNet);
        for (var i = 0; i < 1500; i++)
        {
            Data.Namespaces.Add(template with { Inode = 4026540000UL + (ulong)i });
        }
    }

    [Fact]
    public void A_host_of_namespaces_is_drawn_a_hundred_rows_a_page_and_a_type_starts_again_at_the_first()
    {
        AddMany();

        var cut = RenderLoaded("namespaces?page=16");

        Assert.Equal(34, Rows(cut).Count);
        Assert.Equal("1501–1534 of 1534 namespaces", Text(cut, "namespace-count"));

        cut.Find("[data-testid=type-user]").Click();
        cut.WaitForAssertion(() => Assert.Equal([$"user-{SampleData.HostUser}", $"user-{SampleData.RemappedUser}"], Rows(cut)));
        Assert.EndsWith("namespaces?type=user", Navigation.Uri);
    }

    [Fact]
    public void The_search_finds_a_namespace_on_any_page()
    {
        AddMany();
        var cut = RenderLoaded();
        Assert.Equal(100, Rows(cut).Count);

        cut.FindComponent<MudTextField<string>>().Find("input").Input("4026541499");

        cut.WaitForAssertion(() => Assert.Equal(["net-4026541499"], Rows(cut)));
        Assert.Equal("1 of 1534 namespaces", Text(cut, "namespace-count"));
    }

    [Fact]
    public void The_query_string_pre_filters_by_type_and_bind_mount()
    {
        var cut = RenderLoaded("namespaces?type=net&q=/run/netns/");

        Assert.Equal([$"net-{SampleData.HiddenNet}"], Rows(cut));
        Assert.Equal("/run/netns/", cut.FindComponent<MudTextField<string>>().Find("input").GetAttribute("value"));
        Assert.Contains("mud-chip-filled", cut.Find("[data-testid=type-net]").ClassName);
    }

    [Fact]
    public void Searching_a_container_name_finds_its_namespaces()
    {
        var cut = RenderLoaded();

        cut.FindComponent<MudTextField<string>>().Find("input").Input("web1-debug");

        // Its own mnt, pid, uts, ipc; web1's net; and the host's user, cgroup and time.
        cut.WaitForAssertion(() => Assert.Equal(8, Rows(cut).Count));
        Assert.Contains($"net-{SampleData.Web1Net}", Rows(cut));
        Assert.Contains("namespaces?q=web1-debug", Navigation.Uri);
    }

    [Fact]
    public void Searching_a_pid_matches_the_lowest_pid_exactly()
    {
        var cut = RenderLoaded("namespaces?q=4377");

        // pidtool runs in the host's pid namespace, whose lowest PID is 1.
        Assert.Equal(["mnt-4026532420", "net-4026532423", "uts-4026532421", "ipc-4026532422"], Rows(cut));
    }

    [Fact]
    public void An_unknown_type_in_the_address_shows_all_types()
    {
        var cut = RenderLoaded("namespaces?type=bogus");

        Assert.Equal(34, Rows(cut).Count);
        Assert.Contains("mud-chip-filled", cut.Find("[data-testid=type-all]").ClassName);
    }

    [Fact]
    public void Shows_an_alert_when_the_api_fails()
    {
        Data.Failure = new HttpRequestException("Connection refused");

        var cut = RenderLoaded();

        Assert.Equal("Could not load the namespaces: Connection refused", Text(cut, "load-error"));
        Assert.Empty(Rows(cut));
    }

    [Fact]
    public void Counts_and_lists_a_namespace_that_arrives_while_the_page_is_open()
    {
        var cut = RenderLoaded("namespaces?type=net");
        Assert.Equal(6, Rows(cut).Count);
        var created = SampleData.Namespace(NamespaceType.Net, SampleData.Web1Net) with { Inode = 4026532999, Containers = ["web3"] };

        Data.Namespaces.Add(created);
        Data.Notify(new DashboardChange
        {
            Kinds = DashboardChangeKinds.Namespaces,
            Namespaces = new HashSet<NamespaceKey> { new(NamespaceType.Net, 4026532999) },
        });

        cut.WaitForAssertion(() => Assert.Equal("net 7", Text(cut, "type-net")));
        Assert.Equal("all 35", Text(cut, "type-all"));
        Assert.Contains("net-4026532999", Rows(cut));
        Assert.Equal("web3", Text(cut, "ns-containers-4026532999"));
    }
}
