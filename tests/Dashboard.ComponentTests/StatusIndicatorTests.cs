using Dashboard.Client.Components;
using Dashboard.Client.Live;
using MudBlazor;

namespace Dashboard.ComponentTests;

public sealed class StatusIndicatorTests : DashboardTest
{
    [Fact]
    public void Shows_the_docker_version_and_the_scan_counts()
    {
        var cut = RenderPage<StatusIndicator>();

        cut.WaitForAssertion(() => Assert.Equal("Docker 20.10.24", cut.Find("[data-testid=status-docker]").TextContent.Trim()));
        Assert.Contains("mud-chip-color-success", cut.Find("[data-testid=status-docker]").ClassName);
        Assert.Equal("143 processes · 34 namespaces · 1 unreadable", cut.Find("[data-testid=status-counts]").TextContent.Trim());
    }

    [Fact]
    public void Shows_a_warning_with_the_error_when_docker_is_unavailable()
    {
        Data.Status = Data.Status with
        {
            Docker = new() { Available = false, Endpoint = "unix:///var/run/docker.sock", Error = "connect ENOENT /var/run/docker.sock" },
        };

        var cut = RenderPage<StatusIndicator>();

        cut.WaitForAssertion(() => Assert.Equal("Docker unavailable", cut.Find("[data-testid=status-docker]").TextContent.Trim()));
        Assert.Contains("mud-chip-color-warning", cut.Find("[data-testid=status-docker]").ClassName);
        Assert.Contains(cut.FindComponents<MudTooltip>(), t => t.Instance.Text == "connect ENOENT /var/run/docker.sock");
    }

    [Fact]
    public void Says_the_api_is_unreachable_instead_of_crashing()
    {
        Data.Failure = new HttpRequestException("Connection refused (localhost:5000)");

        var cut = RenderPage<StatusIndicator>();

        cut.WaitForAssertion(() => Assert.Equal("API unreachable", cut.Find("[data-testid=status-api]").TextContent.Trim()));
        Assert.Contains(cut.FindComponents<MudTooltip>(), t => t.Instance.Text!.Contains("Connection refused", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(LiveConnectionState.Live, "Live", "success", "Connected to the live hub")]
    [InlineData(LiveConnectionState.Reconnecting, "Reconnecting…", "warning", "is being made again")]
    [InlineData(LiveConnectionState.Disconnected, "Disconnected", "error", "retrying every 10 s")]
    [InlineData(LiveConnectionState.Connecting, "Connecting…", "default", "Connecting to the live hub")]
    public void Shows_each_connection_state_as_it_changes(LiveConnectionState state, string label, string color, string tooltip)
    {
        Data.SetConnection(state == LiveConnectionState.Connecting ? LiveConnectionState.Live : LiveConnectionState.Connecting);
        var cut = RenderPage<StatusIndicator>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=status-docker]")));

        Data.SetConnection(state);

        cut.WaitForAssertion(() => Assert.Equal(label, cut.Find("[data-testid=status-live]").TextContent.Trim()));
        Assert.Contains($"mud-chip-color-{color}", cut.Find("[data-testid=status-live]").ClassName);
        Assert.Equal(state.ToString(), cut.Find("[data-testid=status-live]").GetAttribute("data-state"));
        Assert.Contains(cut.FindComponents<MudTooltip>(), t => t.Instance.Text!.Contains(tooltip, StringComparison.Ordinal));
    }

    [Fact]
    public void Follows_the_engine_state_and_the_counts_as_the_status_changes()
    {
        var cut = RenderPage<StatusIndicator>();
        cut.WaitForAssertion(() => Assert.Equal("Docker 20.10.24", cut.Find("[data-testid=status-docker]").TextContent.Trim()));

        Data.Status = Data.Status with
        {
            ProcessCount = 150,
            Docker = Data.Status.Docker with { State = DockerEngineState.Reconnecting, Error = "EOF" },
        };
        Data.Notify(new DashboardChange { Kinds = DashboardChangeKinds.Status });

        cut.WaitForAssertion(() => Assert.Equal("Docker reconnecting", cut.Find("[data-testid=status-docker]").TextContent.Trim()));
        Assert.Contains("mud-chip-color-warning", cut.Find("[data-testid=status-docker]").ClassName);
        Assert.Contains(cut.FindComponents<MudTooltip>(), t => t.Instance.Text == "Lost the engine at unix:///var/run/docker.sock; reconnecting. Containers are shown as last seen. (EOF)");
        Assert.StartsWith("150 processes", cut.Find("[data-testid=status-counts]").TextContent.Trim());

        Data.Status = Data.Status with
        {
            Docker = new() { Available = false, State = DockerEngineState.Unavailable, Endpoint = "unix:///var/run/docker.sock" },
        };
        Data.Notify(new DashboardChange { Kinds = DashboardChangeKinds.Status });

        cut.WaitForAssertion(() => Assert.Equal("Docker unavailable", cut.Find("[data-testid=status-docker]").TextContent.Trim()));
        Assert.Contains(cut.FindComponents<MudTooltip>(), t => t.Instance.Text == "No answer from unix:///var/run/docker.sock");
    }
}

public sealed class StatusIndicatorEventsTests : DashboardTest
{
    private static EventSourceStatus Live(string mechanism) => new() { State = EventSourceState.Live, Mechanism = mechanism };

    private static EventSourcesStatus AllLive => new()
    {
        ProcessEvents = Live("proc connector"),
        MountEvents = Live("fanotify"),
        NetlinkEvents = Live("rtnetlink"),
        DockerEvents = Live("engine event stream"),
    };

    [Fact]
    public void Says_events_when_every_source_is_live()
    {
        Data.Status = Data.Status with { Sources = AllLive };

        var cut = RenderPage<StatusIndicator>();

        cut.WaitForAssertion(() => Assert.Equal("Events", cut.Find("[data-testid=status-events]").TextContent.Trim()));
        Assert.Contains("mud-chip-color-success", cut.Find("[data-testid=status-events]").ClassName);
        Assert.Contains(cut.FindComponents<MudTooltip>(), t => t.Instance.Text!.StartsWith("process events: live (proc connector); mount events: live", StringComparison.Ordinal));
    }

    [Fact]
    public void Names_what_is_polled_and_why()
    {
        Data.Status = Data.Status with
        {
            Sources = AllLive with
            {
                ProcessEvents = new() { State = EventSourceState.Polling, Mechanism = "proc connector", Reason = "bind(CN_IDX_PROC): EPERM" },
                DockerEvents = new() { State = EventSourceState.Unavailable, Mechanism = "engine event stream", Reason = "the engine is unavailable" },
            },
        };

        var cut = RenderPage<StatusIndicator>();

        cut.WaitForAssertion(() => Assert.Equal("Polling process", cut.Find("[data-testid=status-events]").TextContent.Trim()));
        Assert.Contains("mud-chip-color-warning", cut.Find("[data-testid=status-events]").ClassName);
        Assert.Contains(cut.FindComponents<MudTooltip>(), t => t.Instance.Text!.Contains("process events: polled (proc connector): bind(CN_IDX_PROC): EPERM", StringComparison.Ordinal));
    }

    [Fact]
    public void Shows_no_events_chip_for_a_status_without_sources()
    {
        var cut = RenderPage<StatusIndicator>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=status-docker]")));
        Assert.Empty(cut.FindAll("[data-testid=status-events]"));
    }
}
