namespace Dashboard.ComponentTests.Model;

public sealed class HistoryQueryTests
{
    private static readonly TimeZoneInfo PlusTwo = TimeZoneInfo.CreateCustomTimeZone("test+02", TimeSpan.FromHours(2), "test+02", "test+02");

    [Fact]
    public void Reads_the_address_and_ignores_what_it_cannot_read()
    {
        var query = HistoryQuery.Parse("2026-11-28T14:00:00Z", "not a time", "3");

        Assert.Equal(new DateTimeOffset(2026, 11, 28, 14, 0, 0, TimeSpan.Zero), query.From);
        Assert.Null(query.To);
        Assert.Equal(3, query.Page);
        Assert.Equal(50, query.Offset);
        Assert.Equal(1, HistoryQuery.Parse(null, null, "0").Page);
        Assert.Equal(1, HistoryQuery.Parse(null, null, "-2").Page);
        Assert.Equal(1, HistoryQuery.Parse(null, null, "x").Page);
    }

    [Fact]
    public void Writes_the_address_in_utc_and_leaves_defaults_out()
    {
        var query = new HistoryQuery { From = new DateTimeOffset(2026, 11, 28, 16, 0, 0, TimeSpan.FromHours(2)), Page = 2 };

        var parameters = query.ToParameters();

        Assert.Equal("2026-11-28T14:00:00Z", parameters["from"]);
        Assert.Null(parameters["to"]);
        Assert.Equal("2", parameters["page"]);
        Assert.Null(new HistoryQuery().ToParameters()["page"]);
        Assert.Equal(query with { Page = 2 }, HistoryQuery.Parse((string?)parameters["from"], null, (string?)parameters["page"]));
    }

    [Fact]
    public void Converts_between_the_inputs_wall_clock_and_an_instant()
    {
        var instant = HistoryQuery.FromLocalInput(new DateTime(2026, 11, 28, 16, 0, 0), PlusTwo);

        Assert.Equal(new DateTimeOffset(2026, 11, 28, 14, 0, 0, TimeSpan.Zero), instant);
        Assert.Equal(new DateTime(2026, 11, 28, 16, 0, 0), HistoryQuery.ToLocalInput(instant, PlusTwo));
        Assert.Null(HistoryQuery.FromLocalInput(null, PlusTwo));
        Assert.Null(HistoryQuery.ToLocalInput(null, PlusTwo));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(25, 1)]
    [InlineData(26, 2)]
    [InlineData(60, 3)]
    public void Has_at_least_one_page(int total, int pages)
    {
        Assert.Equal(pages, HistoryQuery.PageCount(total));
    }

    [Fact]
    public void Says_what_is_shown()
    {
        Assert.Equal("26–50 of 60 snapshots", new HistoryQuery { Page = 2 }.ShowingText(25, 60));
        Assert.Equal("1–1 of 1 snapshot", new HistoryQuery().ShowingText(1, 1));
        Assert.Equal("No snapshot yet.", new HistoryQuery().ShowingText(0, 0));
        Assert.Equal("No snapshot in this time range.", new HistoryQuery { To = DateTimeOffset.UnixEpoch }.ShowingText(0, 0));
        Assert.Equal("Page 4 is past the end: 60 snapshots in all.", new HistoryQuery { Page = 4 }.ShowingText(0, 60));
    }
}
