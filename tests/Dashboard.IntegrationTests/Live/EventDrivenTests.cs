using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Dashboard.Server.Collection.Events;
using Dashboard.Server.Live;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dashboard.IntegrationTests.Live;

/// <summary>
/// A server whose safety-net rescan is an hour away: whatever it shows of changes made by the test came from the
/// kernel's and the engine's events, which the status's count of full rescans proves.
/// </summary>
public sealed class EventDrivenFactory : DashboardFactory
{
    public EventDrivenFactory()
    {
        Settings["Dashboard:ScanInterval"] = "01:00:00";
        Settings["Dashboard:DescriptorScanInterval"] = "01:00:00";
        Settings["Dashboard:FallbackScanInterval"] = "01:00:00";
    }
}

/// <summary>Changes arrive through events, without a full rescan, on the hub and in REST answers.</summary>
public sealed class EventDrivenTests(EventDrivenFactory factory) : IClassFixture<EventDrivenFactory>
{
    // Events arrive in milliseconds; the budget covers a loaded CI machine, not the target (see docs/benchmarks.md).
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(10);

    private async Task<LiveSubscription> SubscribeAsync()
    {
        _ = factory.Server;
        return await LiveSubscription.StartAsync(factory.Server);
    }

    // Read over REST, which answers from the live state: the hub sends the status only with other changes.
    private async Task<long> FullScansAsync()
    {
        using var http = factory.CreateClient();
        var status = await http.GetFromJsonAsync<StatusInfo>("/api/status", DashboardJson.Options, TestContext.Current.CancellationToken);
        return status!.Collection!.FullScans;
    }

    [Fact]
    public async Task AProcessInNewNamespacesArrivesAndLeavesWithoutARescan()
    {
        Requirements.Root();
        await using var live = await SubscribeAsync();
        var rescans = await FullScansAsync();
        Assert.Equal(EventSourceState.Live, live.Read(l => l.Status!.Sources!.ProcessEvents.State));

        using var process = await UnsharedAsync("--net", "--uts", "--ipc");
        var net = await Shell.ReadlinkNsAsync(process.Id, "net");
        var uts = await Shell.ReadlinkNsAsync(process.Id, "uts");
        await live.WaitForAsync(
            l => l.Namespaces.TryGetValue((NamespaceType.Net, net), out var n) && n.ProcessCount == 1 && l.Namespaces.ContainsKey((NamespaceType.Uts, uts)),
            s_budget,
            $"net {net} and uts {uts} of the unshared process");

        process.Kill();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        await live.WaitForAsync(l => !l.Namespaces.ContainsKey((NamespaceType.Net, net)), s_budget, $"net {net} gone");

        Assert.Equal(rescans, await FullScansAsync());
    }

    [Fact]
    public async Task AContainerArrivesAndLeavesWithoutARescanWithTheInodesTheKernelGives()
    {
        Requirements.DockerEngine();
        await using var docker = await DockerScope.CreateAsync();
        await using var live = await SubscribeAsync();
        var rescans = await FullScansAsync();

        var name = await docker.RunAsync("ev");
        var id = await docker.IdAsync(name);
        await live.WaitForAsync(l => l.Containers.TryGetValue(id, out var c) && c.State == "running" && c.Namespaces?.Count == 8, s_budget, $"{name} running");
        var pid = await docker.PidAsync(name);
        var container = live.Read(l => l.Containers[id]);
        Assert.Equal(pid, container.Pid);
        foreach (var type in NamespaceTypes.All)
        {
            Assert.Equal(await Shell.ReadlinkNsAsync(pid, type.ToKernelName()), container.Namespaces![type].Inode);
        }

        await Shell.RunAsync("docker", "rm", "-f", name);
        await live.WaitForAsync(l => !l.Containers.ContainsKey(id), s_budget, $"{name} gone");

        Assert.Equal(rescans, await FullScansAsync());
    }

    [Fact]
    public async Task ARequestAfterACommandReturnedSeesWhatItDid()
    {
        Requirements.DockerEngine();
        await using var docker = await DockerScope.CreateAsync();
        using var http = factory.CreateClient();
        await http.GetFromJsonAsync<StatusInfo>("/api/status", TestContext.Current.CancellationToken);

        // The tutorial's order: start it, then ask at once.
        var name = await docker.RunAsync("rq");
        var containers = await http.GetFromJsonAsync<List<ContainerInfo>>("/api/containers", DashboardJson.Options, TestContext.Current.CancellationToken);
        var container = Assert.Single(containers!, c => c.Name == name);
        Assert.Equal("running", container.State);
        Assert.Equal(await docker.PidAsync(name), container.Pid);

        using var process = await UnsharedAsync("--net");
        var net = await Shell.ReadlinkNsAsync(process.Id, "net");
        var netns = await http.GetFromJsonAsync<List<NetnsInfo>>("/api/netns", DashboardJson.Options, TestContext.Current.CancellationToken);
        Assert.Contains(netns!, n => n.Inode == net);
        process.Kill();
    }

    [Fact]
    public async Task AnswersCarryTheStreamsEpochAndVersionAndFreshMeansARescanAfterTheRequest()
    {
        Requirements.Root();
        await using var live = await SubscribeAsync();
        using var http = factory.CreateClient();

        using (var response = await http.GetAsync("/api/status", TestContext.Current.CancellationToken))
        {
            response.EnsureSuccessStatusCode();
            Assert.Equal(live.Read(l => l.Epoch), Assert.Single(response.Headers.GetValues("X-Dashboard-Epoch")));
            var version = long.Parse(Assert.Single(response.Headers.GetValues("X-Dashboard-Version")), CultureInfo.InvariantCulture);
            Assert.True(version >= 0);
        }

        var before = await http.GetFromJsonAsync<StatusInfo>("/api/status", DashboardJson.Options, TestContext.Current.CancellationToken);
        var asked = DateTimeOffset.UtcNow;
        using var fresh = await http.GetAsync("/api/status?fresh=true", TestContext.Current.CancellationToken);
        fresh.EnsureSuccessStatusCode();
        var after = (await fresh.Content.ReadFromJsonAsync<StatusInfo>(DashboardJson.Options, TestContext.Current.CancellationToken))!;

        Assert.True(after.Collection!.FullScans > before!.Collection!.FullScans);
        Assert.True(after.Collection.LastFullScanAt >= asked, $"rescan finished {after.Collection.LastFullScanAt:O}, asked {asked:O}");
        Assert.True(fresh.Headers.Contains("X-Dashboard-Version"));

        using var bad = await http.GetAsync("/api/containers?fresh=perhaps", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("fresh", await bad.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AfterABurstSettlesTheLiveStateEqualsAFullRescan()
    {
        Requirements.Root();
        using var http = factory.CreateClient();
        await http.GetFromJsonAsync<StatusInfo>("/api/status", TestContext.Current.CancellationToken);
        var processes = new List<Process>();
        try
        {
            // Twenty processes in new namespaces started at once, every other one killed again.
            var started = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => UnsharedAsync(i % 2 == 0 ? "--net" : "--uts")));
            processes.AddRange(started);
            foreach (var p in processes.Where((_, i) => i % 2 == 1))
            {
                p.Kill();
                await p.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            var ours = new HashSet<(NamespaceType, ulong)>();
            foreach (var p in processes.Where((_, i) => i % 2 == 0))
            {
                ours.Add((NamespaceType.Net, await Shell.ReadlinkNsAsync(p.Id, "net")));
            }

            var live = await http.GetFromJsonAsync<List<NamespaceSummary>>("/api/namespaces", DashboardJson.Options, TestContext.Current.CancellationToken);
            var rescan = await http.GetFromJsonAsync<List<NamespaceSummary>>("/api/namespaces?fresh=true", DashboardJson.Options, TestContext.Current.CancellationToken);

            // Other tests' processes come and go meanwhile: the comparison is of this test's namespaces.
            Assert.Equal(
                rescan!.Where(n => ours.Contains((n.Type, n.Inode))).Select(n => (n.Type, n.Inode, n.ProcessCount)).Order(),
                live!.Where(n => ours.Contains((n.Type, n.Inode))).Select(n => (n.Type, n.Inode, n.ProcessCount)).Order());
            Assert.Equal(10, live!.Count(n => ours.Contains((n.Type, n.Inode))));
        }
        finally
        {
            foreach (var p in processes)
            {
                if (!p.HasExited)
                {
                    p.Kill();
                }

                p.Dispose();
            }
        }
    }

    [Fact]
    public async Task AnAddressAddedInsideANamespaceArrivesByRtnetlinkNotByPolling()
    {
        Requirements.Root();
        await using var live = await SubscribeAsync();
        var netlink = live.Read(l => l.Status!.Sources!.NetlinkEvents);
        Assert.Equal(EventSourceState.Live, netlink.State);
        Assert.Equal(NetlinkEventSource.MechanismName, netlink.Mechanism);
        var rescans = await FullScansAsync();
        var name = $"dt-ev-{Guid.NewGuid():N}"[..14];
        try
        {
            // Held by its bind mount, so followed. `ip -n` enters it after its exec, which happened in this namespace:
            // nothing but the namespace's own notification tells of the address (polling is an hour away).
            await Shell.RunAsync("ip", "netns", "add", name);
            var net = ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{name}")).Out, CultureInfo.InvariantCulture);
            await live.WaitForAsync(l => l.NetworkNamespaces.ContainsKey(net), s_budget, $"net {net}");

            await Shell.RunAsync("ip", "-n", name, "addr", "add", "10.253.9.1/24", "dev", "lo");
            await live.WaitForAsync(
                l => l.NetworkNamespaces.TryGetValue(net, out var n) && n.Interfaces.Any(i => i.Name == "lo" && i.Addresses.Contains("10.253.9.1/24")),
                s_budget,
                $"10.253.9.1/24 on lo of net {net}");

            Assert.Equal(rescans, await FullScansAsync());
        }
        finally
        {
            await Shell.RunAsync("ip", ["netns", "delete", name], check: false);
        }
    }

    /// <summary>
    /// A sleeping process in new namespaces, returned once it runs in them: it prints its own net link after the exec
    /// into them, so its events have been queued by the kernel when this returns.
    /// </summary>
    internal static async Task<Process> UnsharedAsync(params string[] flags)
    {
        var psi = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var flag in flags)
        {
            psi.ArgumentList.Add(flag);
        }

        foreach (var arg in new[] { "sh", "-c", "readlink /proc/self/ns/net; exec sleep 120" })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi)!;
        await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        return process;
    }
}

/// <summary>Without the proc connector the status says so and process changes still arrive, by polling.</summary>
public sealed class ProcessEventsFallbackTests
{
    private sealed class FailingFactory : IEventSourceFactory
    {
        public ProcEventSource OpenProcessEvents(string? initialNetns) => throw new ProcEventsUnavailableException("bind(CN_IDX_PROC)", 1);

        public MountEventSource OpenMountEvents(string procRoot) => MountEventSource.Open(procRoot);

        public NetlinkEventSource OpenNetlinkEvents() => NetlinkEventSource.Open();
    }

    [Fact]
    public async Task ASourceThatCannotBeOpenedIsPolledAndSaysWhy()
    {
        Requirements.Root();
        using var factory = new EventDrivenFactory();
        factory.Settings["Dashboard:FallbackScanInterval"] = "00:00:00.500";
        factory.ServiceOverrides = services => services.Replace(ServiceDescriptor.Singleton<IEventSourceFactory, FailingFactory>());
        _ = factory.Server;
        await using var live = await LiveSubscription.StartAsync(factory.Server);

        var processEvents = live.Read(l => l.Status!.Sources!.ProcessEvents);
        Assert.Equal(EventSourceState.Polling, processEvents.State);
        Assert.Contains("CAP_NET_ADMIN", processEvents.Reason, StringComparison.Ordinal);
        using var http = factory.CreateClient();
        var rescans = (await http.GetFromJsonAsync<StatusInfo>("/api/status", DashboardJson.Options, TestContext.Current.CancellationToken))!.Collection!.FullScans;

        using var process = await EventDrivenTests.UnsharedAsync("--net");
        var net = await Shell.ReadlinkNsAsync(process.Id, "net");
        await live.WaitForAsync(l => l.Namespaces.ContainsKey((NamespaceType.Net, net)), TimeSpan.FromSeconds(10), $"net {net} by polling");
        process.Kill();

        var after = (await http.GetFromJsonAsync<StatusInfo>("/api/status", DashboardJson.Options, TestContext.Current.CancellationToken))!.Collection!;
        Assert.Equal(rescans, after.FullScans);
        Assert.True(after.Updates > 0);
    }
}

/// <summary>
/// What the dashboard opens to follow a namespace must not keep it alive: a network namespace whose last holder goes
/// must die (and take its veth with it) as it would without the dashboard.
/// </summary>
public sealed class NamespaceReleaseTests(EventDrivenFactory factory) : IClassFixture<EventDrivenFactory>
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(10);
    // The issue's bound: as without the dashboard, where the kernel frees the namespace as its last holder goes.
    private static readonly TimeSpan s_release = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task AfterDockerRmTheContainersNetworkNamespaceAndItsVethAreGone()
    {
        Requirements.DockerEngine();
        await using var docker = await DockerScope.CreateAsync();
        _ = factory.Server;
        await using var live = await LiveSubscription.StartAsync(factory.Server);

        var name = await docker.RunAsync("rel");
        var pid = await docker.PidAsync(name);
        var net = await Shell.ReadlinkNsAsync(pid, "net");
        var hostIndex = await PeerIndexAsync(pid, "eth0");
        // Followed: the hub holds the namespace with the interfaces read from inside it.
        await live.WaitForAsync(l => l.NetworkNamespaces.TryGetValue(net, out var n) && n.Interfaces.Any(i => i.Name == "eth0"), s_budget, $"netns {net} of {name}");

        await Shell.RunAsync("docker", "rm", "-f", name);
        var removed = Stopwatch.StartNew();

        await WithinAsync(() => !AnyProcessIn(net), $"no process in net:[{net}]");
        await WithinAsync(async () => !await HostHasLinkAsync(hostIndex), $"the host's veth {hostIndex} gone");
        Assert.True(removed.Elapsed < s_release, $"released {removed.Elapsed.TotalMilliseconds:0} ms after docker rm returned");
    }

    [Fact]
    public async Task AfterIpNetnsDeleteTheNamespaceAndItsVethAreGone()
    {
        Requirements.Root();
        _ = factory.Server;
        await using var live = await LiveSubscription.StartAsync(factory.Server);
        var ns = $"dt-rel-{Guid.NewGuid().ToString("N")[..6]}";
        string outside = ns[3..] + "a", inside = ns[3..] + "b";
        try
        {
            await Shell.RunAsync("ip", "netns", "add", ns);
            await Shell.RunAsync("ip", "link", "add", outside, "type", "veth", "peer", "name", inside, "netns", ns);
            var inode = ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{ns}")).Out, CultureInfo.InvariantCulture);
            await live.WaitForAsync(l => l.NetworkNamespaces.TryGetValue(inode, out var n) && n.Interfaces.Any(i => i.Name == inside), s_budget, $"netns {ns}");

            await Shell.RunAsync("ip", "netns", "delete", ns);
            var deleted = Stopwatch.StartNew();

            await WithinAsync(async () => !(await Shell.RunAsync("ip", ["-o", "link", "show", outside], check: false)).Out.Contains(outside, StringComparison.Ordinal), $"{outside} gone");
            Assert.True(deleted.Elapsed < s_release, $"released {deleted.Elapsed.TotalMilliseconds:0} ms after ip netns delete returned");
            await live.WaitForAsync(l => !l.NetworkNamespaces.ContainsKey(inode), s_budget, $"netns {ns} gone from the hub");
        }
        finally
        {
            await Shell.RunAsync("ip", ["link", "del", outside], check: false);
            await Shell.RunAsync("ip", ["netns", "delete", ns], check: false);
        }
    }

    /// <summary>The host-side index of a container interface's veth peer, as the kernel says it (<c>eth0@if123</c>).</summary>
    private static async Task<int> PeerIndexAsync(int pid, string device)
    {
        var line = (await Shell.RunAsync("nsenter", "-t", pid.ToString(CultureInfo.InvariantCulture), "-n", "ip", "-o", "link", "show", device)).Out;
        var at = line.IndexOf("@if", StringComparison.Ordinal);
        Assert.True(at > 0, line);
        return int.Parse(line[(at + 3)..].Split(':')[0], CultureInfo.InvariantCulture);
    }

    private static async Task<bool> HostHasLinkAsync(int index) =>
        (await Shell.RunAsync("ip", "-o", "link")).Out.Split('\n').Any(l => l.StartsWith($"{index}: ", StringComparison.Ordinal));

    private static bool AnyProcessIn(ulong net)
    {
        var link = $"net:[{net}]";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out _) && new FileInfo(Path.Join(dir, "ns", "net")).LinkTarget == link)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Polls the kernel's answer until it holds; a namespace that outlives the bound fails the test.</summary>
    private static Task WithinAsync(Func<bool> condition, string what) => WithinAsync(() => Task.FromResult(condition()), what);

    private static async Task WithinAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < s_budget, $"{what}: not within {s_budget}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
