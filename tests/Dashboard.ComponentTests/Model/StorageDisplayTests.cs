using MudBlazor;

namespace Dashboard.ComponentTests.Model;

public sealed class StorageDisplayTests
{
    private static readonly StorageStatus Ok = new()
    {
        State = StorageState.Ok, Path = "data/dashboard.db", SnapshotCount = 1, FileBytes = 81920, SchemaVersion = 2,
        LastSnapshotAt = new DateTimeOffset(2026, 11, 28, 14, 3, 7, TimeSpan.Zero),
    };

    [Fact]
    public void An_ok_store_shows_its_count_and_size_and_needs_no_notice()
    {
        var badge = StorageDisplay.Badge(Ok);

        Assert.Equal("1 snapshot · 80.0 KiB", badge.Label);
        Assert.Equal(Color.Success, badge.Color);
        Assert.Equal("data/dashboard.db, schema 2, 80.0 KiB with its write-ahead log", badge.Tooltip);
        Assert.Null(StorageDisplay.Notice(Ok));
        Assert.True(StorageDisplay.CanTake(Ok));
    }

    [Fact]
    public void An_unavailable_store_says_why_and_takes_nothing()
    {
        var broken = Ok with { State = StorageState.Unavailable, Error = "The file is not a database." };

        Assert.Equal("Storage unavailable", StorageDisplay.Badge(broken).Label);
        Assert.Equal(Color.Error, StorageDisplay.Badge(broken).Color);
        var notice = StorageDisplay.Notice(broken);
        Assert.Equal(Severity.Error, notice!.Severity);
        Assert.StartsWith("Snapshot storage is unavailable: The file is not a database. No snapshot is taken", notice.Text);
        Assert.False(StorageDisplay.CanTake(broken));
    }

    [Fact]
    public void A_failing_store_warns_and_may_be_retried()
    {
        var failing = Ok with { State = StorageState.Failing, Error = "database or disk is full" };

        Assert.Equal(Severity.Warning, StorageDisplay.Notice(failing)!.Severity);
        Assert.StartsWith("The last snapshot could not be written: database or disk is full.", StorageDisplay.Notice(failing)!.Text);
        Assert.True(StorageDisplay.CanTake(failing));
    }

    [Fact]
    public void No_store_means_no_history()
    {
        Assert.Equal("No snapshot store", StorageDisplay.Badge(null).Label);
        Assert.Equal(Severity.Info, StorageDisplay.Notice(null)!.Severity);
        Assert.False(StorageDisplay.CanTake(null));
        Assert.Null(StorageDisplay.Marker(null));
    }

    [Fact]
    public void The_marker_moves_with_a_new_snapshot_or_state_only()
    {
        Assert.Equal(StorageDisplay.Marker(Ok), StorageDisplay.Marker(Ok with { FileBytes = 90000 }));
        Assert.NotEqual(StorageDisplay.Marker(Ok), StorageDisplay.Marker(Ok with { SnapshotCount = 2 }));
        Assert.NotEqual(StorageDisplay.Marker(Ok), StorageDisplay.Marker(Ok with { LastSnapshotAt = Ok.LastSnapshotAt!.Value.AddMinutes(5) }));
        Assert.NotEqual(StorageDisplay.Marker(Ok), StorageDisplay.Marker(Ok with { State = StorageState.Failing }));
    }
}
