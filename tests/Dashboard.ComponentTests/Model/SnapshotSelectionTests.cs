namespace Dashboard.ComponentTests.Model;

public sealed class SnapshotSelectionTests
{
    [Fact]
    public void Compares_two_picks_from_the_older_to_the_newer()
    {
        var picked = SnapshotSelection.None.Toggle(9).Toggle(4);

        Assert.True(picked.CanCompare);
        Assert.Equal("history/4/diff/9", picked.DiffLink);
        Assert.Equal("Compare snapshot 4 with snapshot 9.", picked.Text);
    }

    [Fact]
    public void A_third_pick_lets_go_of_the_first()
    {
        var picked = SnapshotSelection.None.Toggle(9).Toggle(4).Toggle(12);

        Assert.Equal([4, 12], picked.Ids);
        Assert.Equal("history/4/diff/12", picked.DiffLink);
    }

    [Fact]
    public void Picking_again_or_removing_lets_go()
    {
        var one = SnapshotSelection.None.Toggle(9).Toggle(4).Toggle(9);

        Assert.Equal([4], one.Ids);
        Assert.False(one.CanCompare);
        Assert.Null(one.DiffLink);
        Assert.Equal("Snapshot 4 picked; pick one more to compare.", one.Text);
        Assert.Empty(one.Without(4).Ids);
        Assert.Same(one, one.Without(77));
        Assert.Equal("Pick two snapshots to compare them.", SnapshotSelection.None.Text);
    }
}
