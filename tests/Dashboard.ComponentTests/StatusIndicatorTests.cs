using Dashboard.Client.Components;
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
}
