using Dashboard.Server.Collection.Events;

namespace Dashboard.UnitTests.Events;

public sealed class MountEventsUnavailableTests
{
    [Fact]
    public void TheReasonNamesEveryRefusalOnOneLineAndTheErrnoIsTheLast()
    {
        var e = new MountEventsUnavailableException([("fanotify_init(FAN_REPORT_MNT)", 22), ("open(/proc/self/mountinfo)", 2)]);

        Assert.Equal(2, e.Errno);
        Assert.Equal(
            "fanotify_init(FAN_REPORT_MNT): EINVAL, the kernel has no fanotify mount events (Linux 6.15+); "
            + "open(/proc/self/mountinfo): ENOENT, no such file or process",
            e.Reason);
        Assert.DoesNotContain('\n', e.Reason);
        Assert.Contains(e.Reason, e.Message);
    }

    [Fact]
    public void AnErrnoWithoutItsOwnWordsGetsTheSystemMessage() =>
        Assert.Equal("eventfd: Too many open files in system", new MountEventsUnavailableException("eventfd", 23).Reason);
}
