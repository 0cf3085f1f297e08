using Dashboard.Server.Collection.Events;
using Dashboard.Server.Live;

namespace Dashboard.UnitTests.Live;

/// <summary>How process, mount, network and engine reports fold into what the next refresh reads again.</summary>
public sealed class PendingChangesTests
{
    [Fact]
    public void AProcessThatForksExecsAndExitsIsDroppedNotRead()
    {
        var pending = new PendingChanges();
        pending.Add(new ProcFork(10, 10, 20, 20));
        pending.Add(new ProcExec(20, 20));
        pending.Add(new ProcExit(20, 20, 0));

        var taken = pending.Take();

        Assert.Empty(taken.Proc.Changed);
        Assert.Empty(taken.Execs);
        Assert.Equal([20], taken.Proc.Exited);
        Assert.Equal(3, taken.Sequence);
    }

    [Fact]
    public void ThreadsAreLeftOut()
    {
        var pending = new PendingChanges();
        // A thread of process 10 is cloned and exits: neither changes what the process shows.
        pending.Add(new ProcFork(10, 10, 11, 10));
        pending.Add(new ProcExit(11, 10, 0));

        var taken = pending.Take();

        Assert.Empty(taken.Proc.Changed);
        Assert.Empty(taken.Proc.Exited);
        Assert.True(taken.IsEmpty);
        // Still counted: a request waits on the sequence, whatever the report was.
        Assert.Equal(2, taken.Sequence);
    }

    [Fact]
    public void APidReusedWithinOneBatchIsDroppedAndReadAgain()
    {
        var pending = new PendingChanges();
        pending.Add(new ProcExit(30, 30, 0));
        pending.Add(new ProcFork(1, 1, 30, 30));

        var taken = pending.Take();

        Assert.Equal([30], taken.Proc.Exited);
        Assert.Equal([30], taken.Proc.Changed);
    }

    [Fact]
    public void LostEventsMeanEverythingIsReadAgain()
    {
        var pending = new PendingChanges();
        pending.Add(ProcEventsLost.Instance);
        pending.AllMountTables();
        pending.AllNetns();

        var taken = pending.Take();

        Assert.True(taken.Proc.AllProcesses);
        Assert.True(taken.Proc.AllMountTables);
        Assert.True(taken.Net.All);
    }

    [Fact]
    public void TakeClearsAndPeekDoesNot()
    {
        var pending = new PendingChanges();
        pending.Add(new ProcExec(40, 40));
        pending.MountTableChanged(4026531841);
        pending.NetnsChanged(4026532300);
        pending.DockerChanged();

        var peeked = pending.Peek();
        Assert.True(pending.Any);
        var taken = pending.Take();

        foreach (var t in new[] { peeked, taken })
        {
            Assert.Equal([40], t.Proc.Changed);
            Assert.Equal([40], t.Execs);
            Assert.Equal([4026531841UL], t.Proc.MountTables);
            Assert.Equal([4026532300UL], t.Net.Changed);
            Assert.True(t.Docker);
        }

        Assert.False(pending.Any);
        Assert.True(pending.Take().IsEmpty);
        Assert.Equal(4, pending.Sequence);
    }
}
