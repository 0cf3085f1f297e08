using System.Globalization;
using System.Text.Json;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Api;

/// <summary>The topology graph and the derived reachability against the engine and <c>ip</c> (which only the tests may run).</summary>
public sealed class TopologyApiTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Fact]
    public async Task TutorialContainersAreWiredByVethToTheirNetworksBridgeWithStableIds()
    {
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("mynetwork");
        var networkId = (await Shell.RunAsync("docker", "network", "inspect", "--format", "{{.Id}}", network)).Out;
        var otherNetwork = await docker.CreateNetworkAsync("othernet");
        string[] webs = [await docker.RunAsync("web1", ["--network", network]), await docker.RunAsync("web2", ["--network", network])];
        var other = await docker.RunAsync("other", ["--network", otherNetwork]);
        var bridgeName = $"br-{networkId[..12]}";
        // The kernel's own list of the bridge's ports.
        var ports = JsonDocument.Parse((await Shell.RunAsync("ip", "-j", "link", "show", "master", bridgeName)).Out).RootElement
            .EnumerateArray().Select(l => l.GetProperty("ifname").GetString()!).ToHashSet(StringComparer.Ordinal);

        var graph = await _http.GetJsonAsync<TopologyGraph>("/api/topology");
        var again = await _http.GetJsonAsync<TopologyGraph>("/api/topology");

        var nodes = graph.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        bool HasEdge(string kind, string source, string target) => graph.Edges.Any(e => e.Kind == kind && e.Source == source && e.Target == target);
        var networkNode = nodes[$"network:{networkId}"];
        Assert.Equal((TopologyNodeKinds.Network, network), (networkNode.Kind, networkNode.Label));
        var bridge = Assert.Single(graph.Nodes, n => n.Kind == TopologyNodeKinds.Bridge && n.Label == bridgeName);
        Assert.Equal("host", bridge.Parent);
        Assert.True(HasEdge(TopologyEdgeKinds.MemberOf, bridge.Id, networkNode.Id));

        var interesting = new List<string> { networkNode.Id, bridge.Id };
        foreach (var name in webs)
        {
            var inode = (await Shell.ReadlinkNsAsync(await docker.PidAsync(name), "net")).ToString(CultureInfo.InvariantCulture);
            var container = nodes[$"container:{await docker.IdAsync(name)}"];
            Assert.Equal((TopologyNodeKinds.Container, name), (container.Kind, container.Label));
            var netns = Assert.Single(graph.Nodes, n => n.Kind == TopologyNodeKinds.Netns && n.Details["inode"] == inode);
            // The kernel gives this one a cookie, so the id carries it rather than a generation.
            Assert.Equal($"netns:{inode}:{netns.Details["cookie"]}", netns.Id);
            Assert.True(HasEdge(TopologyEdgeKinds.MemberOf, container.Id, netns.Id));
            Assert.True(HasEdge(TopologyEdgeKinds.InNetwork, container.Id, networkNode.Id));

            var eth0 = Assert.Single(graph.Nodes, n => n.Parent == netns.Id && n.Label == "eth0");
            Assert.Equal(TopologyNodeKinds.Interface, eth0.Kind);
            Assert.True(HasEdge(TopologyEdgeKinds.MemberOf, eth0.Id, netns.Id));
            var wire = Assert.Single(graph.Edges, e => e.Kind == TopologyEdgeKinds.Veth && (e.Source == eth0.Id || e.Target == eth0.Id));
            var hostVeth = nodes[wire.Source == eth0.Id ? wire.Target : wire.Source];
            Assert.Equal(("host", TopologyNodeKinds.Interface, "veth"), (hostVeth.Parent, hostVeth.Kind, hostVeth.Details["kind"]));
            Assert.Contains(hostVeth.Label, ports);
            Assert.True(HasEdge(TopologyEdgeKinds.BridgePort, hostVeth.Id, bridge.Id));
            interesting.AddRange([container.Id, netns.Id, eth0.Id, hostVeth.Id]);
        }

        var otherId = $"container:{await docker.IdAsync(other)}";
        var otherNetns = Assert.Single(graph.Edges, e => e.Kind == TopologyEdgeKinds.MemberOf && e.Source == otherId).Target;
        Assert.DoesNotContain(interesting, id => id == otherNetns);

        // Nothing of ours changed between the two calls, so nothing of ours may be renamed.
        var againIds = again.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(interesting, id => Assert.Contains(id, againIds));
        Assert.Equal(interesting.Count, interesting.Distinct(StringComparer.Ordinal).Count());

        var report = await _http.GetJsonAsync<ReachabilityReport>("/api/topology/reachability");
        Assert.True(report.Derived);
        var same = PairOf(report, webs[0], webs[1]);
        Assert.Equal((true, $"same Docker network {network}"), (same.Reachable, same.Reason));
        Assert.Equal([network], same.Networks);
        var apart = PairOf(report, webs[0], other);
        Assert.Equal((false, "no common network"), (apart.Reachable, apart.Reason));
    }

    [Fact]
    public async Task ContainersOnANetworkWithIccOffAreNotReachable()
    {
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("noicc", "-o", "com.docker.network.bridge.enable_icc=false");
        var a = await docker.RunAsync("a", ["--network", network]);
        var b = await docker.RunAsync("b", ["--network", network]);

        var pair = PairOf(await _http.GetJsonAsync<ReachabilityReport>("/api/topology/reachability"), a, b);

        Assert.False(pair.Reachable);
        Assert.Equal($"inter-container communication is off on {network}", pair.Reason);
        Assert.Equal([network], pair.Networks);
    }

    [Fact]
    public async Task JoinerAndHostNetworkContainersAttachToTheNamespaceTheyReallyUse()
    {
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("mynetwork");
        var web1 = await docker.RunAsync("web1", ["--network", network]);
        var joiner = await docker.RunAsync("joiner", ["--network", $"container:{web1}"]);
        var onHost = await docker.RunAsync("onhost", ["--network", "host"]);
        var web2 = await docker.RunAsync("web2", ["--network", network]);

        var graph = await _http.GetJsonAsync<TopologyGraph>("/api/topology");
        async Task<string> NamespaceOf(string name)
        {
            var id = $"container:{await docker.IdAsync(name)}";
            return Assert.Single(graph.Edges, e => e.Kind == TopologyEdgeKinds.MemberOf && e.Source == id).Target;
        }

        Assert.Equal(await NamespaceOf(web1), await NamespaceOf(joiner));
        Assert.StartsWith("netns:", await NamespaceOf(web1), StringComparison.Ordinal);
        Assert.Equal("host", await NamespaceOf(onHost));

        var report = await _http.GetJsonAsync<ReachabilityReport>("/api/topology/reachability");
        Assert.Equal((true, "same network namespace"), (PairOf(report, web1, joiner).Reachable, PairOf(report, web1, joiner).Reason));
        // The joiner has no endpoint of its own, but its namespace is web1's, on the network web2 is on.
        var joinerAndWeb2 = PairOf(report, joiner, web2);
        Assert.Equal((true, $"same Docker network {network}"), (joinerAndWeb2.Reachable, joinerAndWeb2.Reason));
        Assert.Equal([network], joinerAndWeb2.Networks);
    }

    [Fact]
    public async Task DerivedReachabilityAgreesWithRealTraffic()
    {
        await using var docker = await DockerScope.CreateAsync();
        var iccOn = await docker.CreateNetworkAsync("iccon");
        var iccOff = await docker.CreateNetworkAsync("iccoff", "-o", "com.docker.network.bridge.enable_icc=false");
        var apart = await docker.CreateNetworkAsync("apart");
        // The host-network container listens in the host's namespace: on a port nothing else holds.
        var port = FreeTcpPort().ToString(CultureInfo.InvariantCulture);
        string[] listen = ["httpd", "-f", "-p", port, "-h", "/tmp"];
        var on1 = await docker.RunAsync("on1", ["--network", iccOn], listen);
        var on2 = await docker.RunAsync("on2", ["--network", iccOn], listen);
        var off1 = await docker.RunAsync("off1", ["--network", iccOff], listen);
        var off2 = await docker.RunAsync("off2", ["--network", iccOff], listen);
        var alone = await docker.RunAsync("alone", ["--network", apart], listen);
        var joiner = await docker.RunAsync("joiner", ["--network", $"container:{on1}"]);
        var onHost = await docker.RunAsync("onhost", ["--network", "host"], listen);
        string[] names = [on1, on2, off1, off2, alone, joiner, onHost];
        foreach (var server in new[] { on1, on2, off1, off2, alone, onHost })
        {
            await WaitUntilListeningAsync(server, port);
        }

        var report = await _http.GetJsonAsync<ReachabilityReport>("/api/topology/reachability");
        var containers = (await _http.GetJsonAsync<List<ContainerInfo>>("/api/containers")).Where(c => names.Contains(c.Name)).ToDictionary(c => c.Name);
        var hostNetns = await Shell.ReadlinkNsAsync(2, "net");
        ulong NetnsOf(string name) => containers[name].Namespaces![NamespaceType.Net].Inode;

        // A joiner has no endpoint of its own: it is on whatever its namespace is on.
        ContainerEndpoint EndpointOf(string name) =>
            Assert.Single(containers.Values.Where(c => NetnsOf(c.Name) == NetnsOf(name)).SelectMany(c => c.Networks));

        // Where a connection from one container to another goes: the other's address in the namespace they share or on
        // the network the other's namespace is on; the host's namespace is reached at the gateway of the source's network.
        async Task<string> AddressAsync(string from, string to)
        {
            if (NetnsOf(from) == NetnsOf(to))
            {
                return "127.0.0.1";
            }

            if (NetnsOf(to) == hostNetns)
            {
                return (await Shell.RunAsync("docker", "network", "inspect", "--format", "{{(index .IPAM.Config 0).Gateway}}", EndpointOf(from).Network)).Out;
            }

            return EndpointOf(to).IPv4Address!.Split('/')[0];
        }

        using var gate = new SemaphoreSlim(4);
        var probes = names.SelectMany(from => names.Where(to => to != from).Select(async to =>
        {
            var address = await AddressAsync(from, to);
            await gate.WaitAsync(TestContext.Current.CancellationToken);
            try
            {
                var derived = PairOf(report, from, to);
                var connected = await ConnectsAsync(from, address, port);
                return (From: from, To: to, derived.Reachable, derived.Reason, Connected: connected);
            }
            finally
            {
                gate.Release();
            }
        })).ToList();
        var results = await Task.WhenAll(probes);

        Assert.Equal(names.Length * (names.Length - 1), results.Length);
        var disagreements = results.Where(r => r.Reachable != r.Connected)
            .Select(r => $"{r.From} -> {r.To}: derived {r.Reachable} ({r.Reason}), traffic {r.Connected}").ToList();
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        // Each case the report tells apart was seen on the wire, both ways.
        Assert.Contains(results, r => r.Connected && r.Reason == $"same Docker network {iccOn}");
        Assert.Contains(results, r => !r.Connected && r.Reason == $"inter-container communication is off on {iccOff}");
        Assert.Contains(results, r => !r.Connected && r.Reason == "no common network");
        Assert.Contains(results, r => r.Connected && r.Reason == "same network namespace");
        Assert.Contains(results, r => r.Connected && r.Reason.StartsWith("the host's network namespace holds the bridge of ", StringComparison.Ordinal));
    }

    /// <summary>Whether <c>nc</c> in <paramref name="from"/> connects to the address; a refusal means no one listens, which the test prevents.</summary>
    private static async Task<bool> ConnectsAsync(string from, string address, string port)
    {
        var nc = await Shell.RunAsync("docker", ["exec", from, "nc", "-w", "3", address, port], check: false);
        if (nc.ExitCode == 0)
        {
            return true;
        }

        Assert.True(nc.StdErr.Contains("timed out", StringComparison.Ordinal), $"nc from {from} to {address}:{port} failed otherwise: {nc.StdErr.Trim()}");
        return false;
    }

    private static async Task WaitUntilListeningAsync(string container, string port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await Shell.RunAsync("docker", ["exec", container, "nc", "-w", "1", "127.0.0.1", port], check: false)).ExitCode != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{container} does not listen on {port}");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task ReachabilityJsonSaysItIsDerived()
    {
        var json = JsonDocument.Parse(await _http.GetStringAsync("/api/topology/reachability", TestContext.Current.CancellationToken)).RootElement;

        Assert.True(json.GetProperty("derived").GetBoolean());
        Assert.Equal("derived from the topology and the engine's configuration; no packet was sent", json.GetProperty("note").GetString());
    }

    private static ReachabilityPair PairOf(ReachabilityReport report, string x, string y) =>
        Assert.Single(report.Pairs, p => (p.A.Name == x && p.B.Name == y) || (p.A.Name == y && p.B.Name == x));
}
