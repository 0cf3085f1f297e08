using Dashboard.Server.Live;
using Dashboard.UnitTests.State;

namespace Dashboard.UnitTests.Live;

/// <summary>When a refresh that scanned /proc beside the engine must scan again.</summary>
public sealed class RefreshScanTests
{
    [Fact]
    public void ARunningContainerWhoseInitTheScanMissedAsksForAnotherScan()
    {
        var scan = HostStateBuilderTests.Scan(HostStateBuilderTests.Proc(100, 1, HostStateBuilderTests.Own(4026532300)));

        Assert.False(LiveStateService.MissingInits(HostStateBuilderTests.Docker(HostStateBuilderTests.Container("web1", 100)), scan));
        Assert.True(LiveStateService.MissingInits(HostStateBuilderTests.Docker(HostStateBuilderTests.Container("web1", 100), HostStateBuilderTests.Container("web2", 200)), scan));
        // Stopped containers have no init to look for.
        Assert.False(LiveStateService.MissingInits(HostStateBuilderTests.Docker(HostStateBuilderTests.Container("old", null, "exited")), scan));
        Assert.False(LiveStateService.MissingInits(HostStateBuilderTests.Docker(), scan));
    }
}
