using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dashboard.Server.Collection.Net;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Net;

/// <summary>Reads real network namespaces over rtnetlink and compares with what <c>ip -j</c> and Docker say.</summary>
public sealed class NetnsReaderTests
{
    private const string HostNetns = "/proc/self/ns/net";

    private static NetnsSnapshot Read(string path)
    {
        var snapshot = new NetnsReader().TryRead(path, out var error);
        Assert.True(snapshot is not null, error);
        return snapshot;
    }

    [Fact]
    public void OwnListenersOverSockDiagAreThoseProcNetListsWithTheSameInodes()
    {
        Requirements.Root();
        using var tcp = new System.Net.Sockets.TcpListener(IPAddress.IPv6Any, 0);
        tcp.Server.DualMode = true;
        tcp.Start();
        using var udp = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var ports = new[] { ((IPEndPoint)tcp.LocalEndpoint).Port, ((IPEndPoint)udp.Client.LocalEndPoint!).Port };

        var fromDiag = Read(HostNetns).ListeningSockets;
        var fromProc = new[] { "tcp", "tcp6", "udp", "udp6" }
            .SelectMany(file => ProcNetSockets.ParseListening(File.ReadAllText($"/proc/self/net/{file}"), file))
            .ToList();

        Assert.NotNull(fromDiag);
        var ours = fromProc.Where(s => ports.Contains(s.Port)).OrderBy(s => s.Inode).ToList();
        Assert.Equal(2, ours.Count);
        Assert.Equal(ours, fromDiag.Where(s => ports.Contains(s.Port)).OrderBy(s => s.Inode));
        Assert.Contains(ours, s => s.Protocol == "tcp6" && s.Address.Equals(IPAddress.IPv6Any));
        Assert.Contains(ours, s => s.Protocol == "udp" && s.Address.Equals(IPAddress.Loopback));
    }

    [Fact]
    public async Task HostInterfacesEqualIpLink()
    {
        Requirements.Root();

        // Other tests' containers come and go on the shared host: compare only when two reads around `ip` agree.
        var (snapshot, ipLink) = await StableAsync(HostNetns, () => IpJsonAsync([], "-d", "link"));
        var links = Links(ipLink);

        Assert.Equal(
            links.Select(l => l.ifindex).Order(),
            snapshot.Interfaces.Select(i => i.Index).Order());
        var byName = snapshot.Interfaces.ToDictionary(i => i.Name);
        foreach (var link in links.Select(l => l.Element))
        {
            var name = link.GetProperty("ifname").GetString()!;
            var found = byName[name];
            Assert.Equal(link.GetProperty("ifindex").GetInt32(), found.Index);
            Assert.Equal(link.GetProperty("mtu").GetInt32(), found.Mtu);
            Assert.Equal(link.TryGetProperty("address", out var mac) ? mac.GetString() : null, found.Mac);
            Assert.Equal(link.GetProperty("operstate").GetString()!.ToLowerInvariant(), found.OperState);
            Assert.Equal(
                link.TryGetProperty("master", out var master) ? byName[master.GetString()!].Index : null,
                found.MasterIndex);
            if (link.TryGetProperty("linkinfo", out var info) && info.TryGetProperty("info_kind", out var kind) && kind.GetString() != "tun")
            {
                Assert.Equal(kind.GetString(), found.Kind);
            }
            else if (name == "lo")
            {
                Assert.Equal("loopback", found.Kind);
            }

            if (link.TryGetProperty("link_netnsid", out var netnsId))
            {
                Assert.Equal(netnsId.GetInt32(), found.LinkNetnsId);
            }
        }
    }

    [Fact]
    public async Task HostAddressesEqualIpAddr()
    {
        Requirements.Root();

        var (snapshot, addresses) = await StableAsync(HostNetns, () => IpJsonAsync([], "addr"));

        Assert.Equal(Addresses(addresses), snapshot.Addresses.Select(Key).Order());
    }

    [Fact]
    public async Task ContainerEth0IsAVethWhosePeerIsAPortOfItsNetworksBridge()
    {
        Requirements.Root();
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("net");
        var name = await docker.RunAsync("web", ["--network", network]);
        var pid = await docker.PidAsync(name);
        var endpoint = (await docker.InspectAsync(name)).GetProperty("NetworkSettings").GetProperty("Networks").GetProperty(network);
        var networkId = (await Shell.RunAsync("docker", "network", "inspect", "--format", "{{.Id}}", network)).Out;

        var inside = Read($"/proc/{pid}/ns/net");
        var host = Read(HostNetns);

        var eth0 = Assert.Single(inside.Interfaces, i => i.Name == "eth0");
        Assert.Equal("veth", eth0.Kind);
        Assert.Equal(endpoint.GetProperty("MacAddress").GetString(), eth0.Mac);
        Assert.NotNull(eth0.LinkNetnsId);
        var address = Assert.Single(inside.Addresses, a => a.InterfaceIndex == eth0.Index && a.Family == System.Net.Sockets.AddressFamily.InterNetwork);
        Assert.Equal(IPAddress.Parse(endpoint.GetProperty("IPAddress").GetString()!), address.Address);
        Assert.Equal(endpoint.GetProperty("IPPrefixLen").GetInt32(), address.PrefixLength);

        var bridge = Assert.Single(host.Interfaces, i => i.Name == $"br-{networkId[..12]}");
        Assert.Equal("bridge", bridge.Kind);
        var peer = Assert.Single(host.Interfaces, i => i.Index == eth0.LinkIndex);
        Assert.Equal("veth", peer.Kind);
        Assert.Equal(bridge.Index, peer.MasterIndex);
        Assert.Equal(eth0.Index, peer.LinkIndex);

        var route = Assert.Single(inside.DefaultRoutes);
        Assert.Equal(IPAddress.Parse(endpoint.GetProperty("Gateway").GetString()!), route.Gateway);
        Assert.Equal(eth0.Index, route.OutputInterfaceIndex);

        // Nothing changes inside a container of our own between the read and nsenter.
        var ipAddr = await IpJsonAsync(["nsenter", "-t", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n"], "addr");
        Assert.Equal(Addresses(ipAddr), inside.Addresses.Select(Key).Order());
        var ipLink = await IpJsonAsync(["nsenter", "-t", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n"], "link");
        Assert.Equal(
            Links(ipLink).Select(l => (l.ifindex, l.Element.GetProperty("ifname").GetString(), l.Element.GetProperty("mtu").GetInt32())),
            inside.Interfaces.Select(i => (i.Index, (string?)i.Name, i.Mtu)).OrderBy(i => i.Index));
    }

    [Fact]
    public async Task IpNetnsBindMountShowsTheMovedVethEndAndItsAddress()
    {
        Requirements.Root();
        await using var netns = await TestNetns.CreateAsync();

        var inside = Read(netns.Path);
        var host = Read(HostNetns);

        var moved = Assert.Single(inside.Interfaces, i => i.Name == netns.InsideEnd);
        Assert.Equal("veth", moved.Kind);
        Assert.True(moved.IsUp);
        // Up, but its peer on the host side is down: no carrier.
        Assert.Equal("lowerlayerdown", moved.OperState);
        var address = Assert.Single(inside.Addresses, a => a.InterfaceIndex == moved.Index && a.Family == System.Net.Sockets.AddressFamily.InterNetwork);
        Assert.Equal((IPAddress.Parse("10.231.7.2"), 30), (address.Address, address.PrefixLength));
        Assert.Contains(inside.Interfaces, i => i.Kind == "loopback");

        var outside = Assert.Single(host.Interfaces, i => i.Name == netns.HostEnd);
        Assert.Equal(moved.Index, outside.LinkIndex);
        Assert.Equal(outside.Index, moved.LinkIndex);
        Assert.NotNull(outside.LinkNetnsId);
        Assert.NotNull(moved.LinkNetnsId);
        Assert.Empty(inside.DefaultRoutes);
    }

    [Fact]
    public async Task EachSideNamesTheOthersNetnsIdAsItsVethEndReportsIt()
    {
        Requirements.Root();
        await using var netns = await TestNetns.CreateAsync();
        var reader = new NetnsReader();
        var insideInode = await StatInodeAsync(netns.Path);
        var hostInode = await StatInodeAsync(HostNetns);

        var outside = Assert.Single(Read(HostNetns).Interfaces, i => i.Name == netns.HostEnd);
        var moved = Assert.Single(Read(netns.Path).Interfaces, i => i.Name == netns.InsideEnd);

        var fromHost = reader.TryQueryNetnsIds(HostNetns, [new NetnsCandidate(insideInode, [netns.Path])], out var error);
        Assert.True(fromHost is not null, error);
        Assert.Equal(outside.LinkNetnsId, fromHost[insideInode]);

        var fromInside = reader.TryQueryNetnsIds(netns.Path, [new NetnsCandidate(hostInode, ["/proc/999999999/ns/net", HostNetns])], out error);
        Assert.True(fromInside is not null, error);
        Assert.Equal(moved.LinkNetnsId, fromInside[hostInode]);

        // A path that now leads to another namespace than the one asked about is not trusted.
        var misled = reader.TryQueryNetnsIds(HostNetns, [new NetnsCandidate(insideInode, ["/proc/self/ns/net"])], out error);
        Assert.True(misled is not null, error);
        Assert.Empty(misled);
    }

    private static async Task<ulong> StatInodeAsync(string path) =>
        ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", path)).Out.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ParallelReadsLeaveEveryThreadInItsOwnNamespace()
    {
        Requirements.Root();
        await using var netns = await TestNetns.CreateAsync();
        var original = new FileInfo(HostNetns).LinkTarget;

        var reader = new NetnsReader();
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => reader.TryRead(netns.Path, out string? _))));

        // Every read saw the netns (not the host, where the inside end does not exist)…
        Assert.All(results, r => Assert.Contains(r!.Interfaces, i => i.Name == netns.InsideEnd));
        // …and no thread of ours stayed there, the one that switches included (it lives on between reads).
        Assert.Equal(original, new FileInfo(HostNetns).LinkTarget);
        var switcherSeen = false;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                Assert.Equal(original, new FileInfo(Path.Combine(task, "ns/net")).LinkTarget);
                switcherSeen |= File.ReadAllText(Path.Combine(task, "comm")).Trim() == "netns-switch";
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
            {
                // A thread that exited between the listing and the readlink.
            }
        }

        Assert.True(switcherSeen, "the netns-switch thread was not found among the process's threads");
    }

    [Theory]
    [InlineData("/proc/999999999/ns/net")] // no such process: the race of a container that just exited
    [InlineData("/proc/self/ns/uts")]      // a namespace, of the wrong type
    [InlineData("/etc/hostname")]          // not a namespace at all
    public void WhatIsNotANetworkNamespaceGivesAReasonNotAnException(string path)
    {
        Requirements.Root();

        var snapshot = new NetnsReader().TryRead(path, out var error);

        Assert.Null(snapshot);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Contains(path, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadingAllThreeDumpsOfAContainerTakesMilliseconds()
    {
        Requirements.Root();
        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.RunAsync("timed", ["--network", await docker.CreateNetworkAsync("net")]);
        var path = $"/proc/{await docker.PidAsync(name)}/ns/net";
        var reader = new NetnsReader();
        _ = Read(path);

        var container = Median(() => reader.TryRead(path, out _));
        var host = Median(() => reader.TryRead(HostNetns, out _));
        TestContext.Current.TestOutputHelper?.WriteLine($"netns read, median of 50: container {container.TotalMilliseconds:F3} ms, host {host.TotalMilliseconds:F3} ms");

        // Generous: the point is that no process is spawned; `ip -j addr` alone takes a few milliseconds.
        Assert.True(container < TimeSpan.FromMilliseconds(50), $"{container}");
    }

    private static TimeSpan Median(Func<NetnsSnapshot?> read)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < 50; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            Assert.NotNull(read());
            times.Add(stopwatch.Elapsed);
        }

        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>Reads, runs <paramref name="ip"/>, reads again, until both reads agree (at most five tries).</summary>
    private static async Task<(NetnsSnapshot Snapshot, JsonElement Ip)> StableAsync(string path, Func<Task<JsonElement>> ip)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = Read(path);
            var json = await ip();
            var after = Read(path);
            if ((before.Interfaces.SequenceEqual(after.Interfaces) && before.Addresses.Select(Key).SequenceEqual(after.Addresses.Select(Key))) || attempt == 5)
            {
                return (after, json);
            }
        }
    }

    private static async Task<JsonElement> IpJsonAsync(string[] prefix, params string[] args)
    {
        string[] command = [.. prefix, "ip", "-j", .. args];
        var output = (await Shell.RunAsync(command[0], command[1..])).Out;
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static List<(int ifindex, JsonElement Element)> Links(JsonElement ipLink) =>
        [.. ipLink.EnumerateArray().Select(l => (l.GetProperty("ifindex").GetInt32(), l)).OrderBy(l => l.Item1)];

    private static (int, string, int, string) Key(NetAddress a) => (a.InterfaceIndex, a.Address.ToString(), a.PrefixLength, a.Scope);

    private static IOrderedEnumerable<(int, string, int, string)> Addresses(JsonElement ipAddr) =>
        ipAddr.EnumerateArray()
            .SelectMany(link => link.GetProperty("addr_info").EnumerateArray().Select(info => (
                link.GetProperty("ifindex").GetInt32(),
                IPAddress.Parse(info.GetProperty("local").GetString()!).ToString(),
                info.GetProperty("prefixlen").GetInt32(),
                info.GetProperty("scope").GetString()!)))
            .Order();

    /// <summary>An <c>ip netns</c> namespace holding one end of a veth pair with 10.231.7.2/30; removed on dispose.</summary>
    private sealed class TestNetns : IAsyncDisposable
    {
        private TestNetns(string name) => Name = name;

        public string Name { get; }
        public string Path => $"/run/netns/{Name}";
        public string HostEnd => Name + "a";
        public string InsideEnd => Name + "b";

        public static async Task<TestNetns> CreateAsync()
        {
            var netns = new TestNetns($"dt-{Guid.NewGuid().ToString("N")[..6]}");
            try
            {
                await Shell.RunAsync("ip", "netns", "add", netns.Name);
                await Shell.RunAsync("ip", "link", "add", netns.HostEnd, "type", "veth", "peer", "name", netns.InsideEnd);
                await Shell.RunAsync("ip", "link", "set", netns.InsideEnd, "netns", netns.Name);
                await Shell.RunAsync("ip", "-n", netns.Name, "addr", "add", "10.231.7.2/30", "dev", netns.InsideEnd);
                await Shell.RunAsync("ip", "-n", netns.Name, "link", "set", netns.InsideEnd, "up");
                return netns;
            }
            catch
            {
                await netns.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Shell.RunAsync("ip", ["link", "del", HostEnd], check: false);
            await Shell.RunAsync("ip", ["netns", "del", Name], check: false);
        }
    }
}
