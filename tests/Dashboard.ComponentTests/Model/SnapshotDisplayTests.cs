namespace Dashboard.ComponentTests.Model;

public sealed class SnapshotDisplayTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 14, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "just now")]
    [InlineData(4, "just now")]
    [InlineData(42, "42 s ago")]
    [InlineData(60, "1 min ago")]
    [InlineData(27 * 60 + 59, "27 min ago")]
    [InlineData(5 * 3600 + 1800, "5 h ago")]
    [InlineData(47 * 3600, "47 h ago")]
    [InlineData(3 * 86400 + 7200, "3 days ago")]
    [InlineData(-30, "just now")]
    [InlineData(-600, "in the future (clocks differ)")]
    public void Says_how_long_ago_in_the_largest_whole_unit(int secondsAgo, string expected)
    {
        Assert.Equal(expected, SnapshotDisplay.Relative(Now.AddSeconds(-secondsAgo), Now));
    }

    [Fact]
    public void Shows_the_wall_clock_of_the_zone()
    {
        var plusTwo = TimeZoneInfo.CreateCustomTimeZone("test+02", TimeSpan.FromHours(2), "test+02", "test+02");

        Assert.Equal("2026-11-28 14:03:07", SnapshotDisplay.Absolute(new DateTimeOffset(2026, 11, 28, 14, 3, 7, TimeSpan.Zero), TimeZoneInfo.Utc));
        Assert.Equal("2026-11-28 16:03:07", SnapshotDisplay.Absolute(new DateTimeOffset(2026, 11, 28, 14, 3, 7, TimeSpan.Zero), plusTwo));
    }

    [Fact]
    public void Describes_a_snapshot_in_one_line()
    {
        var snapshot = Fakes.SampleSnapshots.Summary(7, new DateTimeOffset(2026, 11, 28, 14, 3, 7, TimeSpan.Zero), SnapshotReason.Change);

        Assert.Equal("snapshot 7 · 2026-11-28 14:03:07 (26 min ago) · change", SnapshotDisplay.Describe(snapshot, TimeZoneInfo.Utc, Now));
    }

    [Theory]
    [InlineData(SnapshotReason.Startup, "startup")]
    [InlineData(SnapshotReason.Timer, "timer")]
    [InlineData(SnapshotReason.Change, "change")]
    [InlineData(SnapshotReason.Manual, "manual")]
    public void Names_reasons_as_the_api_does(SnapshotReason reason, string label)
    {
        Assert.Equal(label, SnapshotDisplay.ReasonLabel(reason));
        Assert.NotEmpty(SnapshotDisplay.ReasonTooltip(reason));
    }

    [Fact]
    public void Counts_in_words()
    {
        Assert.Equal("1 container, 16 namespaces", SnapshotDisplay.Counts(Fakes.SampleSnapshots.Summary(2, Now, containers: 1, namespaces: 16)));
        Assert.Equal("0 containers, 1 namespace", SnapshotDisplay.Counts(Fakes.SampleSnapshots.Summary(2, Now, containers: 0, namespaces: 1)));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(812, "812 B")]
    [InlineData(4096, "4.0 KiB")]
    [InlineData(3_250_586, "3.1 MiB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5.0 GiB")]
    public void Sizes_in_binary_units(long bytes, string expected)
    {
        Assert.Equal(expected, SnapshotDisplay.Bytes(bytes));
    }
}
