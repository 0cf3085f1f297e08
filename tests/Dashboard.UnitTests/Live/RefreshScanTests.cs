using Dashboard.Server.Live;
using Dashboard.UnitTests.State;

namespace Dashboard.UnitTests.Live;

/// <summary>Which processes a refresh must read again because the engine names them and the scan did not see them.</summary>
public sealed class RefreshScanTests
{
    [Fact]
    public void TheInitsOfRunningContainersTheScanMissedAreReadAgain()
    {
        var scan = HostStateBuilderTests.Scan(HostStateBuilderTests.Proc(100, 1, HostStateBuilderTests.Own(4026532300)));

        Assert.Empty(LiveStateService.MissingInits(HostStateBuilderTests.Docker(HostStateBuilderTests.Container("web1", 100)), scan));
        Assert.Equal([200], LiveStateService.MissingInits(HostStateBuilderTests.Docker(HostStateBuilderTests.Container("web1", 100), HostStateBuilderTests.Container("web2", 200)), scan));
        // Stopped containers have no init to look for.
        Assert.Empty(LiveStateService.MissingInits(HostStateBuilderTests.Docker(HostStateBuilderTests.Container("old", null, "exited")), scan));
        Assert.Empty(LiveStateService.MissingInits(HostStateBuilderTests.Docker(), scan));
    }
}
