using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;

namespace Dashboard.UnitTests.Storage;

public sealed class SnapshotScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Debounce = TimeSpan.FromSeconds(10);

    private static SnapshotSchedule Started()
    {
        var schedule = new SnapshotSchedule(Interval, Debounce);
        schedule.Taken(T0);
        return schedule;
    }

    [Fact]
    public void TheFirstSnapshotIsDueAtOnce() =>
        Assert.Equal(SnapshotReason.Startup, new SnapshotSchedule(Interval, Debounce).Next().Reason);

    [Fact]
    public void WithoutChangesTheTimerIsNext() =>
        Assert.Equal((T0 + Interval, SnapshotReason.Timer), Started().Next());

    [Fact]
    public void AChangeIsRecordedOnceThingsSettle()
    {
        var schedule = Started();
        schedule.Changed(T0.AddSeconds(30));
        Assert.Equal((T0.AddSeconds(40), SnapshotReason.Change), schedule.Next());

        // A burst moves the due time on...
        schedule.Changed(T0.AddSeconds(35));
        Assert.Equal((T0.AddSeconds(45), SnapshotReason.Change), schedule.Next());

        // ...and taking it clears the changes.
        schedule.Taken(T0.AddSeconds(45));
        Assert.Equal((T0.AddSeconds(45) + Interval, SnapshotReason.Timer), schedule.Next());
    }

    [Fact]
    public void AHostThatNeverSettlesIsStillRecorded()
    {
        var schedule = Started();
        var first = T0.AddSeconds(1);
        for (var at = first; at < first.AddMinutes(2); at = at.AddSeconds(5))
        {
            schedule.Changed(at);
        }

        Assert.Equal((first + Debounce * SnapshotSchedule.MaxDelayFactor, SnapshotReason.Change), schedule.Next());
    }

    [Fact]
    public void AChangeAfterTheSnapshotStartedStaysPending()
    {
        var schedule = Started();
        schedule.Changed(T0.AddSeconds(30));
        schedule.Changed(T0.AddSeconds(50));
        schedule.Taken(T0.AddSeconds(40));

        Assert.Equal(SnapshotReason.Change, schedule.Next().Reason);
    }

    [Fact]
    public void DismissedChangesAreForgottenButTheTimerStays()
    {
        var schedule = Started();
        schedule.Changed(T0.AddSeconds(30));
        schedule.Dismissed(T0.AddSeconds(40));

        Assert.Equal((T0 + Interval, SnapshotReason.Timer), schedule.Next());
    }

    [Fact]
    public void AFailedWriteIsRetriedLaterNotInALoop()
    {
        var schedule = new SnapshotSchedule(Interval, Debounce);
        schedule.Failed(T0);

        Assert.Equal((T0 + SnapshotSchedule.RetryDelay, SnapshotReason.Startup), schedule.Next());
        schedule.Taken(T0.AddMinutes(1));
        Assert.Equal((T0.AddMinutes(1) + Interval, SnapshotReason.Timer), schedule.Next());
    }

    [Fact]
    public void OnlyChangesToRecordedThingsCount()
    {
        Assert.False(SnapshotService.Recorded(new Dashboard.Shared.Live.LiveChanges()));
        Assert.True(SnapshotService.Recorded(new Dashboard.Shared.Live.LiveChanges { ContainersRemoved = ["x"] }));
        Assert.True(SnapshotService.Recorded(new Dashboard.Shared.Live.LiveChanges { TopologyEdgesRemoved = ["e"] }));
    }
}
