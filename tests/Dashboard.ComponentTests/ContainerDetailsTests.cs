using Dashboard.Client.Pages;
using Dashboard.ComponentTests.Fakes;
using MudBlazor;

namespace Dashboard.ComponentTests;

public sealed class ContainerDetailsTests : DashboardTest
{
    private IRenderedComponent<ContainerDetails> RenderLoaded(string idOrName)
    {
        var cut = RenderPage<ContainerDetails>(p => p.Add(x => x.IdOrName, idOrName));
        cut.WaitForState(() => cut.FindAll("[data-testid=loading]").Count == 0);
        return cut;
    }

    private static string Text(IRenderedComponent<ContainerDetails> cut, string testId) =>
        cut.Find($"[data-testid='{testId}']").TextContent.Trim();

    [Fact]
    public void Shows_the_header_facts()
    {
        var cut = RenderLoaded("web1");

        Assert.Equal("web1", Text(cut, "container-name"));
        Assert.Equal("running", Text(cut, "container-state"));
        var facts = Text(cut, "container-facts");
        Assert.Contains("nginx:1.27-alpine", facts);
        Assert.Contains("3f9c2a71d4e8", facts);
        Assert.DoesNotContain("3f9c2a71d4e8b", facts);
        Assert.Contains("PID 4121", facts);
    }

    [Fact]
    public void Finds_the_container_by_id_prefix_too()
    {
        var cut = RenderLoaded("3f9c2a71d4e8");

        Assert.Equal("web1", Text(cut, "container-name"));
    }

    [Fact]
    public void Lists_the_eight_namespaces_with_inode_links_sharing_and_partners()
    {
        var cut = RenderLoaded("web1");

        Assert.Equal(8, cut.FindAll("[data-testid^=ns-row-]").Count);
        var inode = cut.Find("[data-testid=ns-inode-net]");
        Assert.Equal(SampleData.Web1Net.ToString(), inode.TextContent.Trim());
        Assert.Equal($"namespaces/net/{SampleData.Web1Net}", inode.GetAttribute("href"));
        Assert.Equal("shared: web1-debug", Text(cut, "ns-sharing-net"));
        Assert.Equal("containers/web1-debug", cut.Find("[data-testid=ns-shared-with-net] a").GetAttribute("href"));
        Assert.Equal("private", Text(cut, "ns-sharing-pid"));
        Assert.Equal("host", Text(cut, "ns-sharing-user"));
        Assert.Equal("nsenter -t 4121 -n ip addr", Text(cut, "ns-command-net"));
        Assert.Equal("lsns -t net -p 4121", Text(cut, "ns-lsns-net"));
    }

    [Fact]
    public void The_copy_button_writes_the_command_to_the_clipboard()
    {
        var cut = RenderLoaded("web1");

        cut.Find("button[aria-label='Copy nsenter -t 4121 -n ip addr']").Click();

        var call = Context.JSInterop.VerifyInvoke("navigator.clipboard.writeText");
        Assert.Equal("nsenter -t 4121 -n ip addr", call.Arguments.Single());
    }

    [Fact]
    public void Shows_the_requested_modes_of_a_pid_host_container()
    {
        var cut = RenderLoaded("pidtool");

        var rows = cut.FindAll("[data-testid=host-config] tr").Select(r => r.TextContent.Trim()).ToList();
        Assert.Contains("PidModehost", rows);
        Assert.Contains("NetworkModebridge", rows);
        Assert.Contains("UTSMode(default)", rows);
        Assert.Contains("CapAddSYS_PTRACE", rows);
        Assert.Equal("host", Text(cut, "ns-sharing-pid"));
    }

    [Fact]
    public void Shows_networks_mounts_and_labels()
    {
        var cut = RenderLoaded("web1");

        var network = cut.Find("[data-testid=networks] tbody tr").TextContent;
        Assert.Contains("mynetwork", network);
        Assert.Contains("172.18.0.2/16", network);
        Assert.Contains("02:42:ac:12:00:02", network);
        Assert.Contains("/usr/share/nginx/html", cut.Find("[data-testid=mounts]").TextContent);
        Assert.Equal("Labels (3)", cut.FindComponent<MudExpansionPanel>().Instance.Text);
    }

    [Fact]
    public void Says_a_stopped_container_has_no_namespaces()
    {
        var cut = RenderLoaded("old-job");

        Assert.Contains("not running: no namespaces", Text(cut, "not-running"));
        Assert.Empty(cut.FindAll("[data-testid=namespace-table]"));
        Assert.Equal("exited", Text(cut, "container-state"));
    }

    [Fact]
    public void Says_when_a_running_container_s_namespaces_could_not_be_read()
    {
        var web2 = SampleData.Container("web2");
        Data.Containers[Data.Containers.IndexOf(web2)] = web2 with { Namespaces = null };

        var cut = RenderLoaded("web2");

        Assert.Equal("The namespaces of PID 4188 could not be read (permissions, or the process just exited).", Text(cut, "not-running"));
    }

    [Fact]
    public void Says_when_no_container_matches()
    {
        var cut = RenderLoaded("nosuch");

        Assert.Contains("No container is called or has the id “nosuch”", Text(cut, "not-found"));
    }

    [Fact]
    public void Shows_an_alert_when_the_api_fails()
    {
        Data.Failure = new HttpRequestException("Connection refused");

        var cut = RenderLoaded("web1");

        Assert.Equal("Could not load container web1: Connection refused", Text(cut, "load-error"));
        Assert.Empty(cut.FindAll("[data-testid=not-found]"));
    }

    [Fact]
    public void Loads_again_when_its_container_changes_but_not_for_others()
    {
        var cut = RenderLoaded("web1");
        Assert.Equal(1, Data.Calls["GetContainerAsync"]);

        Data.NotifyContainers(SampleData.Container("web2").Id);
        Assert.Equal(1, Data.Calls["GetContainerAsync"]);

        var web1 = SampleData.Container("web1");
        Data.Containers[Data.Containers.IndexOf(web1)] = web1 with { State = "exited", Pid = null, Namespaces = null };
        Data.NotifyContainers(web1.Id);

        cut.WaitForAssertion(() => Assert.Equal("exited", Text(cut, "container-state")));
        Assert.Equal(2, Data.Calls["GetContainerAsync"]);
        Assert.NotNull(cut.Find("[data-testid=not-running]"));
        Assert.Empty(cut.FindAll("[data-testid=loading]"));
    }

    [Fact]
    public void A_container_not_found_is_shown_once_it_arrives()
    {
        var cut = RenderLoaded("web3");
        Assert.NotNull(cut.Find("[data-testid=not-found]"));

        var web3 = SampleData.Container("web2") with { Id = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0", Name = "web3" };
        Data.Containers.Add(web3);
        Data.NotifyContainers(web3.Id);

        cut.WaitForAssertion(() => Assert.Equal("web3", Text(cut, "container-name")));
    }
}
