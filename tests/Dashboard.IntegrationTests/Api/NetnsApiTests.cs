using System.Globalization;
using System.Net;
using System.Text.Json;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Api;

/// <summary>Network namespaces through the API, against Docker's and <c>ip</c>'s view (which only the tests may run).</summary>
public sealed class NetnsApiTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Fact]
    public async Task TutorialContainersEth0HasDockersAddressAndIsWiredToAPortOfTheNetworksBridge()
    {
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("mynetwork");
        var networkId = (await Shell.RunAsync("docker", "network", "inspect", "--format", "{{.Id}}", network)).Out;
        string[] names = [await docker.RunAsync("web1", ["--network", network]), await docker.RunAsync("web2", ["--network", network])];
        var hostInode = await Shell.ReadlinkNsAsync(Environment.ProcessId, "net");

        foreach (var name in names)
        {
            var pid = await docker.PidAsync(name);
            var inode = await Shell.ReadlinkNsAsync(pid, "net");
            var endpoint = (await docker.InspectAsync(name)).GetProperty("NetworkSettings").GetProperty("Networks").GetProperty(network);

            var netns = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{inode}");
            Assert.False(netns.IsInitial);
            Assert.Equal([name], netns.Containers.Select(c => c.Name));
            Assert.Equal(pid, netns.LowestPid);
            Assert.Null(netns.Error);

            var eth0 = Assert.Single(netns.Interfaces, i => i.Name == "eth0");
            Assert.Equal(NetInterfaceKind.Veth, eth0.Kind);
            Assert.Equal(endpoint.GetProperty("MacAddress").GetString(), eth0.Mac);
            Assert.Contains($"{endpoint.GetProperty("IPAddress").GetString()}/{endpoint.GetProperty("IPPrefixLen").GetInt32()}", eth0.Addresses);
            var route = Assert.Single(netns.DefaultRoutes);
            Assert.Equal((endpoint.GetProperty("Gateway").GetString(), "eth0"), (route.Gateway, route.Interface));

            // Nothing in a container of our own changes between the request and nsenter.
            var ipAddr = JsonDocument.Parse((await Shell.RunAsync("nsenter", "-t", pid.ToString(CultureInfo.InvariantCulture), "-n", "ip", "-j", "addr")).Out).RootElement;
            Assert.Equal(
                ipAddr.EnumerateArray()
                    .SelectMany(l => l.GetProperty("addr_info").EnumerateArray()
                        .Select(a => $"{l.GetProperty("ifindex").GetInt32()} {l.GetProperty("ifname").GetString()} {a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}"))
                    .Order(StringComparer.Ordinal),
                netns.Interfaces.SelectMany(i => i.Addresses.Select(a => $"{i.Index} {i.Name} {a}")).Order(StringComparer.Ordinal));

            // eth0's other end is a port of the network's bridge in the host's namespace, and names eth0 back.
            var peer = eth0.Peer;
            Assert.NotNull(peer);
            Assert.Equal(hostInode, peer.NetnsInode);
            var host = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{hostInode}");
            Assert.True(host.IsInitial);
            var hostEnd = Assert.Single(host.Interfaces, i => i.Index == peer.Index);
            Assert.Equal(peer.Name, hostEnd.Name);
            Assert.Equal(NetInterfaceKind.Veth, hostEnd.Kind);
            Assert.Equal($"br-{networkId[..12]}", hostEnd.Master);
            Assert.Equal(new NetPeerRef { NetnsInode = inode, Index = eth0.Index, Name = "eth0" }, hostEnd.Peer);
            Assert.Equal(NetInterfaceKind.Bridge, Assert.Single(host.Interfaces, i => i.Name == hostEnd.Master).Kind);
        }
    }

    [Fact]
    public async Task ContainerJoiningAnothersNetworkIsListedInThatNamespaceNotANewOne()
    {
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("mynetwork");
        var web1 = await docker.RunAsync("web1", ["--network", network]);
        var joiner = await docker.RunAsync("joiner", ["--network", $"container:{web1}"]);
        var inode = await Shell.ReadlinkNsAsync(await docker.PidAsync(web1), "net");
        Assert.Equal(inode, await Shell.ReadlinkNsAsync(await docker.PidAsync(joiner), "net"));

        var all = await _http.GetJsonAsync<List<NetnsInfo>>("/api/netns");

        Assert.True(all[0].IsInitial);
        var shared = Assert.Single(all, n => n.Containers.Any(c => c.Name == web1 || c.Name == joiner));
        Assert.Equal(inode, shared.Inode);
        Assert.Equal([joiner, web1], shared.Containers.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, shared.ProcessCount);
        Assert.Single(shared.Interfaces, i => i.Name == "eth0");
    }

    [Fact]
    public async Task IpNetnsWithAMovedVethEndIsListedWithItsAddressAndBothEndsNameEachOther()
    {
        Requirements.Root();
        var name = $"dt-{Guid.NewGuid().ToString("N")[..6]}";
        string hostEnd = name + "a", insideEnd = name + "b";
        try
        {
            // Configured only: nothing is sent.
            await Shell.RunAsync("ip", "netns", "add", name);
            await Shell.RunAsync("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", insideEnd);
            await Shell.RunAsync("ip", "link", "set", insideEnd, "netns", name);
            await Shell.RunAsync("ip", "-n", name, "addr", "add", "10.231.9.2/30", "dev", insideEnd);
            var inode = ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{name}")).Out, CultureInfo.InvariantCulture);
            var hostInode = await Shell.ReadlinkNsAsync(Environment.ProcessId, "net");

            var netns = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{inode}");
            Assert.Contains($"/run/netns/{name}", netns.BindMounts);
            Assert.Equal((0, (int?)null), (netns.ProcessCount, netns.LowestPid));
            Assert.Empty(netns.Sockets);
            Assert.Single(netns.Interfaces, i => i.Kind == NetInterfaceKind.Loopback);
            var inside = Assert.Single(netns.Interfaces, i => i.Name == insideEnd);
            Assert.Equal(NetInterfaceKind.Veth, inside.Kind);
            Assert.Equal(["10.231.9.2/30"], inside.Addresses);

            var host = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{hostInode}");
            var outside = Assert.Single(host.Interfaces, i => i.Name == hostEnd);
            Assert.Equal(new NetPeerRef { NetnsInode = hostInode, Index = outside.Index, Name = hostEnd }, inside.Peer);
            Assert.Equal(new NetPeerRef { NetnsInode = inode, Index = inside.Index, Name = insideEnd }, outside.Peer);

            var all = await _http.GetJsonAsync<List<NetnsInfo>>("/api/netns");
            Assert.Single(all, n => n.Inode == inode);
        }
        finally
        {
            await Shell.RunAsync("ip", ["link", "del", hostEnd], check: false);
            await Shell.RunAsync("ip", ["netns", "del", name], check: false);
        }
    }

    [Fact]
    public async Task AListenerInANamespaceNoProcessIsInIsListedWithTheProcessHoldingIt()
    {
        Requirements.Root();
        // A thread of ours steps into a fresh ip netns, listens there on loopback, and steps back: the namespace then
        // holds a socket but no process, which only asking the namespace itself (sock_diag) can show. Opening a
        // listener sends no event, and its holder is found by the descriptor pass: ?fresh=true asks for a full rescan.
        await using var netns = await BrowserNetworkNamespace.CreateAsync();
        using var listener = netns.Listen();
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var inode = ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{netns.Name}")).Out, CultureInfo.InvariantCulture);

        var info = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{inode}?fresh=true");

        Assert.Equal(0, info.ProcessCount);
        var socket = Assert.Single(info.Sockets);
        Assert.Equal(("tcp", "127.0.0.1", port), (socket.Protocol, socket.Address, socket.Port));
        Assert.Contains(Environment.ProcessId, socket.Pids);
    }

    [Fact]
    public async Task OwnListeningSocketIsListedWithThisProcessAsOwner()
    {
        Requirements.Root();
        // Socket owners come from the descriptor pass, which only a full rescan makes: a listener opened without an
        // exec sends no event, and ?fresh=true asks for a rescan begun after the request.
        var hostInode = await Shell.ReadlinkNsAsync(Environment.ProcessId, "net");
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var host = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{hostInode}?fresh=true");

        var socket = Assert.Single(host.Sockets, s => s.Port == port && s.Protocol == "tcp");
        Assert.Equal("127.0.0.1", socket.Address);
        Assert.Contains(Environment.ProcessId, socket.Pids);
    }
}
