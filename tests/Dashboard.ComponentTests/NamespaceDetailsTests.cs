using Dashboard.Client.Pages;
using Dashboard.ComponentTests.Fakes;
using Dashboard.Shared.Model;

namespace Dashboard.ComponentTests;

public sealed class NamespaceDetailsTests : DashboardTest
{
    private IRenderedComponent<NamespaceDetails> RenderLoaded(string type, long inode)
    {
        var cut = RenderPage<NamespaceDetails>(p => p.Add(x => x.Type, type).Add(x => x.Inode, inode));
        cut.WaitForState(() => cut.FindAll("[data-testid=loading]").Count == 0);
        return cut;
    }

    private static string Text(IRenderedComponent<NamespaceDetails> cut, string testId) =>
        cut.Find($"[data-testid='{testId}']").TextContent.Trim();

    [Fact]
    public void A_user_namespace_shows_its_id_maps_and_explains_them()
    {
        var cut = RenderLoaded("user", (long)SampleData.RemappedUser);

        var uidRow = cut.FindAll("[data-testid=uid-map] tbody td").Select(td => td.TextContent.Trim());
        Assert.Equal(["0", "100000", "65536"], uidRow);
        Assert.StartsWith("uid 0 inside is uid 100000 on the host", Text(cut, "uid-map-explanation"));
        Assert.StartsWith("gid 0 inside is gid 100000 on the host", Text(cut, "gid-map-explanation"));
        Assert.Equal($"namespaces/user/{SampleData.HostUser}", cut.Find("[data-testid=parent] a").GetAttribute("href"));
    }

    [Fact]
    public void A_user_namespace_lists_the_namespaces_it_owns()
    {
        var cut = RenderLoaded("user", (long)SampleData.RemappedUser);

        var children = cut.FindAll("[data-testid=children] a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(5, children.Count);
        Assert.Contains("namespaces/net/4026532511", children);
        Assert.Contains("owned by this user namespace", Text(cut, "children"));
    }

    [Fact]
    public void A_hidden_namespace_says_what_keeps_it_alive()
    {
        var cut = RenderLoaded("net", (long)SampleData.HiddenNet);

        Assert.Equal("hidden", Text(cut, "hidden"));
        Assert.Equal("/run/netns/x", Text(cut, "bind-mounts"));
        Assert.Equal("bind-mount /run/netns/x", Text(cut, "kept-alive"));
        Assert.Equal("none", Text(cut, "descriptors"));
        Assert.Equal("No process is in this namespace.", Text(cut, "no-processes"));
        Assert.Empty(cut.FindAll("[data-testid=uid-map]"));
    }

    [Fact]
    public void Lists_processes_with_inner_pid_and_marks_thread_rows()
    {
        var cut = RenderLoaded("net", (long)SampleData.Web1Net);

        var web1 = cut.FindAll("[data-testid=process-4121] td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["4121", "1", "2044", "root", "nginx: master process nginx -g daemon off;", ""], web1);
        var thread = cut.FindAll("[data-testid=process-2044-2078] td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal("/usr/bin/dockerd -H fd://", thread[4]);
        Assert.Equal("thread 2078", thread[5]);
        Assert.Equal(["web1", "web1-debug"], cut.FindAll("[data-testid=containers] a").Select(a => a.TextContent.Trim()));
    }

    [Fact]
    public void The_initial_namespace_is_marked_and_has_no_parent()
    {
        var cut = RenderLoaded("pid", (long)SampleData.HostPid);

        Assert.Equal("host initial", Text(cut, "initial"));
        Assert.Equal("—", Text(cut, "parent"));
    }

    [Fact]
    public void An_unknown_type_is_not_found()
    {
        var cut = RenderLoaded("network", 4026532286);

        Assert.Contains("“network” is not a namespace type", Text(cut, "not-found"));
        Assert.Contains("mnt, pid, net, uts, ipc, user, cgroup, time", Text(cut, "not-found"));
    }

    [Fact]
    public void An_unknown_inode_is_not_found()
    {
        var cut = RenderLoaded("net", 4026599999);

        Assert.Contains("No net namespace has inode 4026599999", Text(cut, "not-found"));
    }

    [Fact]
    public void Shows_an_alert_when_the_api_fails()
    {
        Data.Failure = new HttpRequestException("Connection refused");

        var cut = RenderLoaded("net", (long)SampleData.Web1Net);

        Assert.Equal($"Could not load net namespace {SampleData.Web1Net}: Connection refused", Text(cut, "load-error"));
    }

    [Fact]
    public void Loads_again_when_its_namespace_changes_but_not_for_others()
    {
        var cut = RenderLoaded("net", (long)SampleData.HiddenNet);
        var calls = Data.Calls["GetNamespaceAsync"];

        Data.Notify(new DashboardChange
        {
            Kinds = DashboardChangeKinds.Namespaces,
            Namespaces = new HashSet<NamespaceKey> { new(NamespaceType.Net, SampleData.Web1Net) },
        });
        Assert.Equal(calls, Data.Calls["GetNamespaceAsync"]);

        var hidden = SampleData.Namespace(NamespaceType.Net, SampleData.HiddenNet);
        Data.Namespaces[Data.Namespaces.IndexOf(hidden)] = hidden with { BindMounts = ["/run/netns/x", "/run/netns/y"] };
        Data.Notify(new DashboardChange
        {
            Kinds = DashboardChangeKinds.Namespaces,
            Namespaces = new HashSet<NamespaceKey> { new(NamespaceType.Net, SampleData.HiddenNet) },
        });

        cut.WaitForAssertion(() => Assert.Equal("/run/netns/x, /run/netns/y", Text(cut, "bind-mounts")));
        Assert.Equal(calls + 1, Data.Calls["GetNamespaceAsync"]);
    }
}
