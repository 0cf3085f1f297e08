using System.Diagnostics;
using Dashboard.Server.Collection.Events;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Events;

/// <summary>
/// The proc connector on the real kernel. Not parallel with other tests: the leak check counts this process's
/// connector sockets, and nothing else should be opening any while it runs.
/// </summary>
[CollectionDefinition(nameof(ProcEventsTests), DisableParallelization = true)]
public sealed class ProcEventsCollection;

[Collection(nameof(ProcEventsTests))]
public sealed class ProcEventsTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ForkExecAndExitOfAShellAreSeen()
    {
        Requirements.Root();
        // Counted by kind, not all of this process's fds: other tests' hosts and child processes open and close
        // descriptors of their own while this runs.
        var connectorSocketsBefore = OwnConnectorSockets();

        var source = ProcEventSource.Open();
        Assert.Equal(connectorSocketsBefore + 1, OwnConnectorSockets());
        int pid;
        using (var shell = Process.Start("/bin/sh", ["-c", "exit 7"]))
        {
            pid = shell.Id;
            await shell.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        ProcFork? fork = null;
        ProcExec? exec = null;
        ProcExit? exit = null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(s_deadline);
        // Everything from before the listen took effect to now is buffered; read until all three of the shell's came.
        while (fork is null || exec is null || exit is null)
        {
            switch (await source.Events.ReadAsync(deadline.Token))
            {
                case ProcFork f when f.ChildTgid == pid:
                    fork = f;
                    break;
                case ProcExec e when e.Tgid == pid:
                    exec = e;
                    break;
                case ProcExit x when x.Tgid == pid && x.Pid == pid:
                    exit = x;
                    break;
            }
        }

        // Process.Start clones from one of this process's threads.
        Assert.Equal(Environment.ProcessId, fork.ParentTgid);
        Assert.Equal(pid, fork.ChildPid);
        Assert.Equal(pid, exec.Pid);
        Assert.Equal(7u << 8, exit.ExitCode);

        source.Dispose();
        // The channel completes once what was buffered before the dispose has been read.
        await foreach (var _ in source.Events.ReadAllAsync(deadline.Token))
        {
        }

        Assert.Equal(connectorSocketsBefore, OwnConnectorSockets());
    }

    [Fact]
    public void DisposingTwiceIsHarmless()
    {
        Requirements.Root();
        var before = OwnConnectorSockets();

        var source = ProcEventSource.Open();
        source.Dispose();
        source.Dispose();

        Assert.Equal(before, OwnConnectorSockets());
    }

    [Fact]
    public async Task AFullChannelIsReportedAsLostEvents()
    {
        Requirements.Root();
        using var source = ProcEventSource.Open(channelCapacity: 1);
        // Each shell is at least a fork, an exec and an exit: more than the channel holds while nobody reads.
        for (var i = 0; i < 2; i++)
        {
            using var shell = Process.Start("/bin/sh", ["-c", "exit 0"]);
            await shell.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(s_deadline);
        while (await source.Events.ReadAsync(deadline.Token) is not ProcEventsLost)
        {
        }
    }

    [Fact]
    public async Task OutsideTheInitialNetworkNamespaceItSaysWhy()
    {
        Requirements.Root();
        using var holder = Process.Start("unshare", ["--net", "sleep", "60"]);
        try
        {
            var before = OwnConnectorSockets();
            var netns = $"/proc/{holder.Id}/ns/net";
            // Wait until unshare has exec'd into its own namespace.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(s_deadline);
            while (new FileInfo(netns).LinkTarget == new FileInfo("/proc/self/ns/net").LinkTarget)
            {
                await Task.Delay(10, deadline.Token);
            }

            // Only this thread moves; it ends right after. Nothing may throw on it, so the outcome is carried out.
            Exception? outcome = null;
            var setnsErrno = -1;
            var thread = new Thread(() =>
            {
                var fd = NsIoctl.Open(netns, out _);
                setnsErrno = NetlinkInterop.SetNetns(fd);
                NsIoctl.Close(fd);
                try
                {
                    ProcEventSource.Open().Dispose();
                }
                catch (Exception e)
                {
                    outcome = e;
                }
            });
            thread.Start();
            thread.Join();

            Assert.Equal(0, setnsErrno);
            var refused = Assert.IsType<ProcEventsUnavailableException>(outcome);
            Assert.Equal(111, refused.Errno);
            Assert.Contains("network namespace", refused.Reason);
            Assert.Equal(before, OwnConnectorSockets());
        }
        finally
        {
            holder.Kill();
        }
    }

    [Fact]
    public async Task OutsideTheInitialNetworkNamespaceItListensFromTheInitialOne()
    {
        Requirements.Root();
        using var holder = Process.Start("unshare", ["--net", "sleep", "60"]);
        try
        {
            var netns = $"/proc/{holder.Id}/ns/net";
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(s_deadline);
            while (new FileInfo(netns).LinkTarget == new FileInfo("/proc/self/ns/net").LinkTarget)
            {
                await Task.Delay(10, deadline.Token);
            }

            // As a container with the host's pids but a network namespace of its own: the socket is made in the
            // initial namespace, reached through kthreadd.
            ProcEventSource? source = null;
            Exception? outcome = null;
            var thread = new Thread(() =>
            {
                var fd = NsIoctl.Open(netns, out _);
                _ = NetlinkInterop.SetNetns(fd);
                NsIoctl.Close(fd);
                try
                {
                    source = ProcEventSource.Open(initialNetns: "/proc/2/ns/net");
                }
                catch (Exception e)
                {
                    outcome = e;
                }
            });
            thread.Start();
            thread.Join();

            Assert.Null(outcome);
            using (source)
            {
                using var shell = Process.Start("/bin/sh", ["-c", "exit 5"]);
                await shell.WaitForExitAsync(TestContext.Current.CancellationToken);
                while (await source!.Events.ReadAsync(deadline.Token) is not ProcExit exit || exit.Tgid != shell.Id)
                {
                }
            }
        }
        finally
        {
            holder.Kill();
        }
    }

    /// <summary>How many of this process's fds are NETLINK_CONNECTOR sockets (/proc/net/netlink: Eth is the protocol).</summary>
    private static int OwnConnectorSockets()
    {
        var connectorInodes = File.ReadLines("/proc/net/netlink").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 10 && fields[1] == NetlinkInterop.NetlinkConnector.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(fields => fields[^1])
            .ToHashSet();
        return Directory.GetFiles("/proc/self/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Count(target => target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                && connectorInodes.Contains(target["socket:[".Length..^1]));
    }
}
