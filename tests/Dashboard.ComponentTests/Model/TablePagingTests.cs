using Dashboard.Client.Model;

namespace Dashboard.ComponentTests.Model;

public sealed class TablePagingTests
{
    private static readonly int[] s_rows = [.. Enumerable.Range(1, 250)];

    [Fact]
    public void Pages_hold_a_hundred_rows_and_the_last_the_rest()
    {
        Assert.Equal(3, TablePaging.PageCount(250));
        Assert.Equal(1, TablePaging.PageCount(0));
        Assert.Equal(1, TablePaging.PageCount(100));
        Assert.Equal(2, TablePaging.PageCount(101));
        Assert.Equal(Enumerable.Range(1, 100), TablePaging.Slice(s_rows, 1));
        Assert.Equal(Enumerable.Range(201, 50), TablePaging.Slice(s_rows, 3));
    }

    [Fact]
    public void A_page_past_the_end_shows_the_last_and_one_before_the_first_shows_the_first()
    {
        Assert.Equal(Enumerable.Range(201, 50), TablePaging.Slice(s_rows, 9));
        Assert.Equal(3, TablePaging.Clamp(9, 250));
        Assert.Equal(1, TablePaging.Clamp(0, 250));
        int[] few = [1, 2, 3];
        Assert.Same(few, TablePaging.Slice(few, 4));
    }

    [Theory]
    [InlineData("2", 2)]
    [InlineData("1", 1)]
    [InlineData(null, 1)]
    [InlineData("", 1)]
    [InlineData("0", 1)]
    [InlineData("-3", 1)]
    [InlineData("two", 1)]
    [InlineData("99999999999", 1)]
    public void The_page_parameter_is_a_positive_number_or_the_first_page(string? text, int page) =>
        Assert.Equal(page, TablePaging.Parse(text));

    [Fact]
    public void The_first_page_is_not_written_into_the_address()
    {
        Assert.Null(TablePaging.Format(1));
        Assert.Equal("3", TablePaging.Format(3));
    }

    [Fact]
    public void Showing_says_which_rows_of_how_many()
    {
        Assert.Equal("12 of 300 containers", TablePaging.Showing(1, 12, 300, "containers"));
        Assert.Equal("101–200 of 300 containers", TablePaging.Showing(2, 300, 300, "containers"));
        Assert.Equal("201–250 of 250 matching (300 containers)", TablePaging.Showing(7, 250, 300, "containers"));
    }
}
