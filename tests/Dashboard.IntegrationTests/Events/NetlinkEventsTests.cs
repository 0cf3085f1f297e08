using Dashboard.Server.Collection.Events;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Events;

/// <summary>
/// The rtnetlink event source on the real kernel: <c>ip netns</c> namespaces with a veth pair, changed by <c>ip</c>.
/// The host end of a veth pair lives exactly as long as the namespace of its other end, which makes "nothing here
/// holds the namespace" visible in <c>ip link</c>.
/// </summary>
public sealed class NetlinkEventsTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LinkAddressAndRouteChangesInAWatchedNamespaceAreReported()
    {
        Requirements.Root();
        await using var ns = await IpNetns.AddAsync();
        using var source = NetlinkEventSource.Open();
        Assert.True(source.Watch(ns.Inode, [ns.Path], out var error), error);
        Assert.Equal([ns.Inode], source.Watched);

        await ns.RunAsync("link", "set", "lo", "up");
        await ReadUntilAsync(source, ns.Inode, "lo up");

        Drain(source);
        await ns.RunAsync("addr", "add", "10.251.7.1/24", "dev", "lo");
        await ReadUntilAsync(source, ns.Inode, "an address");

        Drain(source);
        await ns.RunAsync("route", "add", "10.252.0.0/16", "via", "10.251.7.2");
        await ReadUntilAsync(source, ns.Inode, "a route");
    }

    [Fact]
    public async Task ChangesElsewhereAreNotReportedAsTheWatchedNamespaces()
    {
        Requirements.Root();
        await using var watched = await IpNetns.AddAsync();
        await using var other = await IpNetns.AddAsync();
        using var source = NetlinkEventSource.Open();
        Assert.True(source.Watch(watched.Inode, [watched.Path], out var error), error);

        await other.RunAsync("link", "set", "lo", "up");
        await watched.RunAsync("link", "set", "lo", "up");
        var seen = await ReadUntilAsync(source, watched.Inode, "the watched namespace's lo");
        Assert.All(seen, e => Assert.Equal(new NetnsChanged(watched.Inode), e));
    }

    [Fact]
    public async Task TheSocketHoldsTheNamespaceUntilUnwatchAndNotAMomentLonger()
    {
        Requirements.Root();
        await using var ns = await IpNetns.AddAsync();
        var hostEnd = await ns.AddVethAsync();
        using var source = NetlinkEventSource.Open();
        Assert.True(source.Watch(ns.Inode, [ns.Path], out var error), error);

        // Its bind mount gone, the namespace is held by the watch alone: it lives, and with it the host's veth end.
        await ns.DeleteAsync();
        await Task.Delay(500, Cancellation);
        Assert.True(await LinkExistsAsync(hostEnd), "the namespace died while its socket was open: the test shows nothing");

        source.Unwatch(ns.Inode);
        Assert.Empty(source.Watched);
        var gone = await WaitUntilAsync(async () => !await LinkExistsAsync(hostEnd), TimeSpan.FromSeconds(1));
        Assert.True(gone, $"{hostEnd} outlived Unwatch by more than 1 s: something still holds the namespace");
    }

    [Fact]
    public async Task DisposeClosesEverySocket()
    {
        Requirements.Root();
        await using var ns = await IpNetns.AddAsync();
        var hostEnd = await ns.AddVethAsync();
        var source = NetlinkEventSource.Open();
        Assert.True(source.Watch(ns.Inode, [ns.Path], out var error), error);
        await ns.DeleteAsync();

        source.Dispose();
        Assert.True(await WaitUntilAsync(async () => !await LinkExistsAsync(hostEnd), TimeSpan.FromSeconds(1)), $"{hostEnd} outlived Dispose");
        Assert.Empty(source.Watched);
        // Events read before the sockets closed may still be queued: the channel ends after them.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        while (await source.Events.WaitToReadAsync(timeout.Token))
        {
            while (source.Events.TryRead(out _))
            {
            }
        }

        Assert.True(source.Events.Completion.IsCompleted, "the channel did not complete");
    }

    [Fact]
    public async Task WatchRefusesAPathToAnotherNamespaceAndSaysWhy()
    {
        Requirements.Root();
        await using var ns = await IpNetns.AddAsync();
        await using var other = await IpNetns.AddAsync();
        using var source = NetlinkEventSource.Open();

        Assert.False(source.Watch(ns.Inode, [other.Path, "/proc/0/ns/net"], out var error));
        Assert.NotNull(error);
        Assert.Empty(source.Watched);
        // The first path that leads to the namespace wins.
        Assert.True(source.Watch(ns.Inode, [other.Path, ns.Path], out error), error);
        Assert.True(source.Watch(ns.Inode, [ns.Path], out error), "watching twice is not an error");
        Assert.Equal([ns.Inode], source.Watched);
    }

    private static async Task<List<NetlinkEvent>> ReadUntilAsync(NetlinkEventSource source, ulong inode, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        deadline.CancelAfter(s_deadline);
        var seen = new List<NetlinkEvent>();
        try
        {
            while (true)
            {
                var e = await source.Events.ReadAsync(deadline.Token);
                seen.Add(e);
                if (e == new NetnsChanged(inode))
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

    private static void Drain(NetlinkEventSource source)
    {
        while (source.Events.TryRead(out _))
        {
        }
    }

    private static async Task<bool> LinkExistsAsync(string name) =>
        (await Shell.RunAsync("ip", ["link", "show", "dev", name], check: false)).ExitCode == 0;

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20, Cancellation);
        }
    }

    /// <summary>An <c>ip netns</c> namespace of this test's own, deleted at the end if the test did not.</summary>
    private sealed class IpNetns : IAsyncDisposable
    {
        private bool _deleted;

        private IpNetns(string name, ulong inode) => (Name, Inode) = (name, inode);

        public string Name { get; }

        public ulong Inode { get; }

        public string Path => $"/run/netns/{Name}";

        public static async Task<IpNetns> AddAsync()
        {
            var name = $"dt-nl-{Guid.NewGuid():N}"[..14];
            await Shell.RunAsync("ip", "netns", "add", name);
            // The bind mount's inode is the namespace's.
            var inode = ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{name}")).StdOut.Trim());
            return new IpNetns(name, inode);
        }

        public Task RunAsync(params string[] args) => Shell.RunAsync("ip", ["-n", Name, .. args]);

        /// <summary>A veth pair with one end here; returns the name of the end left in the caller's namespace.</summary>
        public async Task<string> AddVethAsync()
        {
            var host = $"dtnl{Guid.NewGuid():N}"[..13];
            await Shell.RunAsync("ip", "link", "add", host, "type", "veth", "peer", "name", host + "p", "netns", Name);
            return host;
        }

        public async Task DeleteAsync()
        {
            _deleted = true;
            await Shell.RunAsync("ip", "netns", "delete", Name);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_deleted)
            {
                await Shell.RunAsync("ip", ["netns", "delete", Name], check: false);
            }
        }
    }
}
