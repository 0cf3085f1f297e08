using System.Text.RegularExpressions;
using Dashboard.Server.Collection.Events;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Events;

/// <summary>
/// The mount event source on the real kernel, with each mechanism. fanotify mount events need Linux 6.15+: on an
/// older kernel its cases are unavailable (skipped, or failed under CI like any missing part). Not parallel with other tests: the leak checks count this process's fanotify groups and open mountinfo
/// files, and nothing else should be opening any while they run.
/// </summary>
[CollectionDefinition(nameof(MountEventsTests), DisableParallelization = true)]
public sealed class MountEventsCollection;

[Collection(nameof(MountEventsTests))]
public sealed partial class MountEventsTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(nameof(MountEventMechanism.Fanotify))]
    [InlineData(nameof(MountEventMechanism.Mountinfo))]
    public async Task ATmpfsMountedAndUnmountedInAPrivateNamespaceIsSeen(string mechanism)
    {
        Requirements.Root();
        await using var ns = await PrivateMountNamespace.StartAsync(Cancellation);
        using var source = Open(mechanism);
        Assert.True(source.Watch(ns.Inode, ns.Pid, out var error), error);
        Assert.Equal([ns.Inode], source.Watched);

        await ns.MountAsync("a");
        await ReadUntilAsync(source, e => e == new MountTableChanged(ns.Inode), "the mount");

        await ns.UnmountAsync("a");
        await ReadUntilAsync(source, e => e == new MountTableChanged(ns.Inode), "the umount");
    }

    [Theory]
    [InlineData(nameof(MountEventMechanism.Fanotify))]
    [InlineData(nameof(MountEventMechanism.Mountinfo))]
    public async Task IpNetnsAddAndDeleteChangeTheHostMountTable(string mechanism)
    {
        Requirements.Root();
        // ip netns add bind-mounts the new namespace on /run/netns/<name> in the caller's mount namespace: this one's.
        var own = await Shell.ReadlinkNsAsync(Environment.ProcessId, "mnt");
        var name = $"dt-mnt-{Guid.NewGuid():N}"[..18];
        using var source = Open(mechanism);
        try
        {
            Assert.True(source.Watch(own, Environment.ProcessId, out var error), error);

            await Shell.RunAsync("ip", "netns", "add", name);
            await ReadUntilAsync(source, e => e == new MountTableChanged(own), "ip netns add");

            Drain(source);
            await Shell.RunAsync("ip", "netns", "delete", name);
            await ReadUntilAsync(source, e => e == new MountTableChanged(own), "ip netns delete");
        }
        finally
        {
            await Shell.RunAsync("ip", ["netns", "delete", name], check: false);
        }
    }

    [Fact]
    public async Task AFanotifyMarkDoesNotKeepTheNamespaceAlive()
    {
        Requirements.Root();
        await using var ns = await PrivateMountNamespace.StartAsync(Cancellation);
        var id = MountNamespaceIds.Of(ns.Pid);
        using var source = Open(nameof(MountEventMechanism.Fanotify));
        Assert.True(source.Watch(ns.Inode, ns.Pid, out var error), error);
        using var death = ns.WatchForDeath();
        Assert.Contains(ns.Inode, MarkedNamespaces());

        // Still watched: only the mark is left to hold the namespace, and it does not.
        await ns.KillAsync();
        Assert.True(death.Died(s_deadline), "the namespace's tmpfs outlived its last process while only marked");
        Assert.False(MountNamespaceIds.IsAlive(id));
        // The kernel tore its mounts down, reported them detached and dropped the mark.
        await ReadUntilAsync(source, e => e == new MountTableChanged(ns.Inode), "the namespace's teardown");
        Assert.DoesNotContain(ns.Inode, MarkedNamespaces());
        Assert.Equal([ns.Inode], source.Watched);

        source.Unwatch(ns.Inode);
        Assert.Empty(source.Watched);
    }

    [Fact]
    public async Task AnOpenMountinfoHoldsTheNamespaceUntilUnwatch()
    {
        Requirements.Root();
        await using var ns = await PrivateMountNamespace.StartAsync(Cancellation);
        var id = MountNamespaceIds.Of(ns.Pid);
        using var source = Open(nameof(MountEventMechanism.Mountinfo));
        Assert.True(source.Watch(ns.Inode, ns.Pid, out var error), error);
        using var death = ns.WatchForDeath();

        await ns.KillAsync();
        // The process has been reaped, so nothing but the open mountinfo holds the namespace now.
        Assert.True(MountNamespaceIds.IsAlive(id), "the namespace died while its mountinfo was open");
        Assert.False(death.Died(TimeSpan.Zero));

        source.Unwatch(ns.Inode);
        Assert.True(death.Died(s_deadline), "the namespace's tmpfs outlived Unwatch");
        Assert.False(MountNamespaceIds.IsAlive(id));
    }

    [Theory]
    [InlineData(nameof(MountEventMechanism.Fanotify))]
    [InlineData(nameof(MountEventMechanism.Mountinfo))]
    public async Task UnwatchStopsEventsOfThatNamespaceOnly(string mechanism)
    {
        Requirements.Root();
        await using var a = await PrivateMountNamespace.StartAsync(Cancellation);
        await using var b = await PrivateMountNamespace.StartAsync(Cancellation);
        using var source = Open(mechanism);
        Assert.True(source.Watch(a.Inode, a.Pid, out var error), error);
        Assert.True(source.Watch(b.Inode, b.Pid, out error), error);

        source.Unwatch(a.Inode);
        source.Unwatch(a.Inode);
        Assert.Equal([b.Inode], source.Watched);

        await a.MountAsync("x");
        await b.MountAsync("x");
        var seen = await ReadUntilAsync(source, e => e == new MountTableChanged(b.Inode), "b's mount");
        // An event of a's mount would have been written no later than the wake-up that wrote b's first one.
        await b.UnmountAsync("x");
        seen.AddRange(await ReadUntilAsync(source, e => e == new MountTableChanged(b.Inode), "b's umount"));
        Assert.DoesNotContain(new MountTableChanged(a.Inode), seen);
    }

    [Theory]
    [InlineData(nameof(MountEventMechanism.Fanotify))]
    [InlineData(nameof(MountEventMechanism.Mountinfo))]
    public async Task WatchSaysWhyWhenItCannot(string mechanism)
    {
        Requirements.Root();
        await using var ns = await PrivateMountNamespace.StartAsync(Cancellation);
        using var source = Open(mechanism);
        var gone = (await Shell.RunAsync("sh", "-c", "echo $$")).Out;

        Assert.False(source.Watch(ns.Inode, int.Parse(gone), out var error));
        Assert.Contains($"process {gone}", error);
        // This process is not in that namespace, as a reused pid would not be.
        Assert.False(source.Watch(ns.Inode, Environment.ProcessId, out error));
        Assert.Contains($"not {ns.Inode}", error);
        Assert.Empty(source.Watched);

        source.Dispose();
        Assert.False(source.Watch(ns.Inode, ns.Pid, out error));
        Assert.Contains("disposed", error);
    }

    [Theory]
    [InlineData(nameof(MountEventMechanism.Fanotify))]
    [InlineData(nameof(MountEventMechanism.Mountinfo))]
    public async Task UnwatchAndDisposeCloseWhatWasOpened(string mechanism)
    {
        Requirements.Root();
        await using var ns = await PrivateMountNamespace.StartAsync(Cancellation);
        // Counted by kind, not all of this process's fds: other tests' hosts and child processes open and close
        // descriptors of their own while this runs.
        Func<int> held = mechanism == nameof(MountEventMechanism.Fanotify) ? () => OwnFds(FanotifyGroup) : () => OwnFds(IsMountinfo);
        var before = held();
        var own = await Shell.ReadlinkNsAsync(Environment.ProcessId, "mnt");

        var source = Open(mechanism);
        Assert.True(source.Watch(own, Environment.ProcessId, out var error), error);
        Assert.True(source.Watch(ns.Inode, ns.Pid, out error), error);
        Assert.True(source.Watch(ns.Inode, ns.Pid, out error), error);
        Assert.Equal(before + 2, held());

        source.Unwatch(ns.Inode);
        Assert.Equal(before + 1, held());

        source.Dispose();
        Assert.Equal(before, held());
        source.Dispose();
        // The channel completes once what was buffered before the dispose has been read.
        using var deadline = Deadline();
        await foreach (var _ in source.Events.ReadAllAsync(deadline.Token))
        {
        }
    }

    [Fact]
    public async Task NamespacesBeyondTheGroupBudgetShareAGroup()
    {
        Requirements.Root();
        await using var a = await PrivateMountNamespace.StartAsync(Cancellation);
        await using var b = await PrivateMountNamespace.StartAsync(Cancellation);
        var before = OwnFds(FanotifyGroup);
        FanotifyMountEvents();
        using var source = MountEventSource.Open("/proc", MountEventMechanism.Fanotify, groupBudget: 1);
        Assert.True(source.Watch(a.Inode, a.Pid, out var error), error);
        Assert.True(source.Watch(b.Inode, b.Pid, out error), error);
        Assert.Equal(before + 1, OwnFds(FanotifyGroup));
        Assert.Contains(a.Inode, MarkedNamespaces());
        Assert.Contains(b.Inode, MarkedNamespaces());

        // The group cannot tell its namespaces apart, so a change in one reports both.
        await a.MountAsync("x");
        var seen = await ReadUntilAsync(source, e => e == new MountTableChanged(b.Inode), "the shared group's report");
        Assert.Contains(new MountTableChanged(a.Inode), seen);

        // a's process is alive, so its mark comes off the shared group at once.
        source.Unwatch(a.Inode);
        Assert.DoesNotContain(a.Inode, MarkedNamespaces());
        Assert.Contains(b.Inode, MarkedNamespaces());
        Assert.Equal(before + 1, OwnFds(FanotifyGroup));
    }

    [Fact]
    public async Task AFullChannelIsReportedAsLostEvents()
    {
        Requirements.Root();
        await using var a = await PrivateMountNamespace.StartAsync(Cancellation);
        await using var b = await PrivateMountNamespace.StartAsync(Cancellation);
        // One shared group: one mount makes two events in one wake-up, one more than the channel holds.
        FanotifyMountEvents();
        using var source = MountEventSource.Open("/proc", MountEventMechanism.Fanotify, channelCapacity: 1, groupBudget: 1);
        Assert.True(source.Watch(a.Inode, a.Pid, out var error), error);
        Assert.True(source.Watch(b.Inode, b.Pid, out error), error);

        await a.MountAsync("x");
        Assert.IsType<MountTableChanged>(Assert.Single(await ReadUntilAsync(source, _ => true, "the first event")));
        // Reading made room: the marker comes without another mount to wake the loop.
        await ReadUntilAsync(source, e => e is MountEventsLost, "the lost-events marker");
    }

    [Fact]
    public void OpenTakesFanotifyOnThisKernel()
    {
        Requirements.Root();
        FanotifyMountEvents();

        using (var source = MountEventSource.Open("/proc"))
        {
            Assert.Equal("fanotify", source.Mechanism);
            Assert.Null(source.FallbackReason);
        }

        using var fallback = MountEventSource.Open("/proc", MountEventMechanism.Mountinfo);
        Assert.Equal("mountinfo", fallback.Mechanism);
    }

    private static MountEventSource Open(string mechanism)
    {
        if (mechanism == nameof(MountEventMechanism.Fanotify))
        {
            FanotifyMountEvents();
        }

        return MountEventSource.Open("/proc", Enum.Parse<MountEventMechanism>(mechanism));
    }

    private static void FanotifyMountEvents()
    {
        if (!KernelAtLeast(6, 15))
        {
            Requirements.Unavailable($"fanotify mount events need Linux 6.15+, this is {Environment.OSVersion.Version}");
        }
    }

    private static CancellationTokenSource Deadline()
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(s_deadline);
        return deadline;
    }

    /// <summary>Reads until an event is <paramref name="wanted"/>; returns every event read, that one last.</summary>
    private static async Task<List<MountEvent>> ReadUntilAsync(MountEventSource source, Func<MountEvent, bool> wanted, string what)
    {
        using var deadline = Deadline();
        var seen = new List<MountEvent>();
        try
        {
            while (true)
            {
                var e = await source.Events.ReadAsync(deadline.Token);
                seen.Add(e);
                if (wanted(e))
                {
                    return seen;
                }
            }
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            Assert.Fail($"no event for {what} within {s_deadline.TotalSeconds} s; read: [{string.Join(", ", seen)}]");
            throw;
        }
    }

    private static void Drain(MountEventSource source)
    {
        while (source.Events.TryRead(out _))
        {
        }
    }

    private static bool FanotifyGroup(string target) => target == "anon_inode:[fanotify]";

    private static bool IsMountinfo(string target) => target.StartsWith("/proc/", StringComparison.Ordinal) && target.EndsWith("/mountinfo", StringComparison.Ordinal);

    private static int OwnFds(Func<string, bool> kind) =>
        Directory.GetFiles("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget).Count(t => t is not null && kind(t));

    /// <summary>The mount namespaces marked by this process's fanotify groups, as their fdinfo lists them.</summary>
    private static HashSet<ulong> MarkedNamespaces() =>
        [.. Directory.GetFiles("/proc/self/fd")
            .Where(fd => new FileInfo(fd).LinkTarget is { } t && FanotifyGroup(t))
            .SelectMany(fd => MarkLine().Matches(ReadFdinfo(Path.GetFileName(fd))))
            .Select(m => ulong.Parse(m.Groups[1].Value))];

    private static string ReadFdinfo(string fd)
    {
        try
        {
            return File.ReadAllText($"/proc/self/fdinfo/{fd}");
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static bool KernelAtLeast(int major, int minor) =>
        Environment.OSVersion.Version is var v && (v.Major > major || (v.Major == major && v.Minor >= minor));

    [GeneratedRegex(@"^fanotify mnt_ns:(\d+) ", RegexOptions.Multiline)]
    private static partial Regex MarkLine();
}
