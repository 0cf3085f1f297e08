using System.Globalization;
using System.Text.Json;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Api;

/// <summary>The tutorial, against the real engine: every inode and sharing status equals what the kernel says.</summary>
public sealed class ContainerNamespacesTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Fact]
    public async Task TutorialContainersMatchReadlinkForAllEightTypes()
    {
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("mynetwork");
        var web1 = await docker.RunAsync("web1", ["--network", network]);
        var web2 = await docker.RunAsync("web2", ["--network", network]);

        var containers = await _http.GetJsonAsync<List<ContainerInfo>>("/api/containers");
        foreach (var name in new[] { web1, web2 })
        {
            var c = Assert.Single(containers, c => c.Name == name);
            var pid = await docker.PidAsync(name);
            Assert.Equal(pid, c.Pid);
            Assert.Equal("running", c.State);
            Assert.Equal(await docker.IdAsync(name), c.Id);
            Assert.NotNull(c.Namespaces);
            Assert.Equal(8, c.Namespaces.Count);
            foreach (var type in NamespaceTypes.All)
            {
                Assert.Equal(await Shell.ReadlinkNsAsync(pid, type.ToKernelName()), c.Namespaces[type].Inode);
            }

            // Docker gives each container its own mnt, pid, net, uts and ipc namespaces.
            foreach (var type in new[] { NamespaceType.Mnt, NamespaceType.Pid, NamespaceType.Net, NamespaceType.Uts, NamespaceType.Ipc })
            {
                Assert.Equal(Sharing.Private, c.Namespaces[type].Sharing);
            }

            // Without userns-remap the container stays in the host's user namespace.
            Assert.Equal(await Shell.ReadlinkNsAsync(2, "user"), c.Namespaces[NamespaceType.User].Inode);
            Assert.Equal(Sharing.Host, c.Namespaces[NamespaceType.User].Sharing);

            var inspect = await docker.InspectAsync(name);
            var endpoint = Assert.Single(c.Networks);
            Assert.Equal(network, endpoint.Network);
            var engineEndpoint = inspect.GetProperty("NetworkSettings").GetProperty("Networks").GetProperty(network);
            Assert.Equal($"{engineEndpoint.GetProperty("IPAddress").GetString()}/{engineEndpoint.GetProperty("IPPrefixLen").GetInt32()}", endpoint.IPv4Address);
            Assert.Equal(engineEndpoint.GetProperty("MacAddress").GetString(), endpoint.MacAddress);
        }

        // The eight-row table of the tutorial, with the command that shows each namespace.
        var rows = await _http.GetJsonAsync<List<ContainerNamespaceRow>>($"/api/containers/{web1}/namespaces");
        Assert.Equal(NamespaceTypes.All, rows.Select(r => r.Type));
        var web1Pid = await docker.PidAsync(web1);
        var netRow = rows.Single(r => r.Type == NamespaceType.Net);
        Assert.Equal($"nsenter -t {web1Pid} -n ip addr", netRow.Command);
        Assert.Equal($"lsns -t net -p {web1Pid}", netRow.LsnsCommand);
        Assert.Equal(await Shell.ReadlinkNsAsync(web1Pid, "net"), netRow.Inode);
        Assert.All(rows, r => Assert.False(string.IsNullOrWhiteSpace(r.Description)));
    }

    [Fact]
    public async Task EveryShownCommandRunsOnTheHostAndAgreesWithTheApi()
    {
        Requirements.Root();
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("cmdnet");
        // Two processes in the PID namespace and a mount of its own, so that the lists have something to agree on.
        var name = await docker.RunAsync(
            "commands", ["--network", network, "--hostname", "dt-commands", "--mount", "type=tmpfs,destination=/dt-scratch"], ["sh", "-c", "sleep 1d & exec sleep 1d"]);
        var pid = await docker.PidAsync(name);
        await WaitUntilAsync(() => File.ReadAllText($"/proc/{pid}/task/{pid}/children").Trim().Length > 0);

        var container = await _http.GetJsonAsync<ContainerInfo>($"/api/containers/{name}");
        var rows = await _http.GetJsonAsync<List<ContainerNamespaceRow>>($"/api/containers/{name}/namespaces");
        Assert.Equal(NamespaceTypes.All, rows.Select(r => r.Type));
        foreach (var row in rows)
        {
            var type = row.Type.ToKernelName();
            // The user copies the line and runs it from the host: each must work without the container's own binaries.
            var output = await RunShownAsync(row.Command);

            var lsns = (await RunShownAsync(row.LsnsCommand)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, lsns.Length); // header and the one namespace
            Assert.Equal(row.Inode.ToString(CultureInfo.InvariantCulture), Fields(lsns[1])[0]);
            Assert.Equal(type, Fields(lsns[1])[1]);
            Assert.Equal(await Shell.ReadlinkNsAsync(pid, type), row.Inode);

            switch (row.Type)
            {
                case NamespaceType.Mnt:
                    // The tree's TARGET column holds the container's root and every mount the engine made for it.
                    var targets = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                        .Select(l => Fields(l.TrimStart('│', '├', '└', '─', ' '))[0]).ToHashSet(StringComparer.Ordinal);
                    Assert.Contains("/", targets);
                    var scratch = Assert.Single(container.Mounts, m => m.Type == "tmpfs");
                    Assert.Contains(scratch.Destination, targets);
                    break;
                case NamespaceType.Pid:
                    var detail = await _http.GetJsonAsync<NamespaceDetail>($"/api/namespaces/pid/{row.Inode}");
                    var listed = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => int.Parse(Fields(l)[0], CultureInfo.InvariantCulture));
                    Assert.Equal(detail.Processes.Where(p => p.Tid is null).Select(p => p.Pid).Order(), listed.Order());
                    Assert.Equal(2, detail.ProcessCount);
                    Assert.Contains(pid, listed);
                    break;
                case NamespaceType.Net:
                    var netns = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{row.Inode}");
                    var shown = output.Split('\n').Select(Fields).Where(f => f is ["inet" or "inet6", ..]).Select(f => f[1]);
                    Assert.Equal(netns.Interfaces.SelectMany(i => i.Addresses).Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
                    Assert.Contains(Assert.Single(container.Networks).IPv4Address, shown);
                    break;
                case NamespaceType.Uts:
                    Assert.Equal("dt-commands", output.Trim());
                    Assert.Equal((await docker.InspectAsync(name)).GetProperty("Config").GetProperty("Hostname").GetString(), output.Trim());
                    break;
                case NamespaceType.Ipc:
                    // A queue made in the container's IPC namespace shows up there; the API does not list IPC objects.
                    var made = (await Shell.RunAsync("nsenter", "-t", pid.ToString(CultureInfo.InvariantCulture), "-i", "ipcmk", "-Q")).Out;
                    var msqid = Fields(made)[^1];
                    var again = await RunShownAsync(row.Command);
                    Assert.Contains(again.Split('\n').Select(Fields), f => f.Length > 1 && f[1] == msqid);
                    Assert.DoesNotContain(output.Split('\n').Select(Fields), f => f.Length > 1 && f[1] == msqid);
                    break;
                case NamespaceType.User:
                    var user = await _http.GetJsonAsync<NamespaceDetail>($"/api/namespaces/user/{row.Inode}");
                    Assert.NotNull(user.UidMap);
                    Assert.NotNull(user.GidMap);
                    var ranges = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Fields)
                        .Select(f => new IdMapRange { InsideId = long.Parse(f[0], CultureInfo.InvariantCulture), OutsideId = long.Parse(f[1], CultureInfo.InvariantCulture), Count = long.Parse(f[2], CultureInfo.InvariantCulture) });
                    Assert.Equal([.. user.UidMap, .. user.GidMap], ranges);
                    break;
                case NamespaceType.Cgroup:
                    // What the container's own init sees of its cgroups.
                    Assert.Equal((await Shell.RunAsync("docker", "exec", name, "cat", "/proc/1/cgroup")).Out, output.Trim());
                    break;
                case NamespaceType.Time:
                    var time = await _http.GetJsonAsync<NamespaceDetail>($"/api/namespaces/time/{row.Inode}");
                    var offsets = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Fields).ToList();
                    Assert.Equal(["monotonic", "boottime"], offsets.Select(f => f[0]));
                    // The initial time namespace is the one without offsets.
                    Assert.Equal(time.IsInitial, offsets.All(f => f[1] == "0" && f[2] == "0"));
                    break;
                default:
                    Assert.Fail($"no agreement check for {type}");
                    break;
            }
        }
    }

    /// <summary>Runs a command shown to the user as its words (no shell), and returns what it printed; it must exit 0.</summary>
    private static async Task<string> RunShownAsync(string command)
    {
        // The commands are plain words: a quote or a shell operator would need a shell, which the user may not type.
        Assert.DoesNotMatch("[\"'|;&$<>`]", command);
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = await Shell.RunAsync(words[0], words.Skip(1), check: false);
        Assert.True(result.ExitCode == 0, $"`{command}` exited {result.ExitCode}: {result.StdErr.Trim()}");
        Assert.False(string.IsNullOrWhiteSpace(result.StdOut), $"`{command}` printed nothing");
        return result.StdOut;
    }

    private static string[] Fields(string line) => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the container's processes did not start in time");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task LookupByIdPrefixAndNameAgree()
    {
        await using var docker = await DockerScope.CreateAsync();
        var web = await docker.RunAsync("lookup");
        var id = await docker.IdAsync(web);

        var byName = await _http.GetJsonAsync<ContainerInfo>($"/api/containers/{web}");
        var byId = await _http.GetJsonAsync<ContainerInfo>($"/api/containers/{id}");
        var byPrefix = await _http.GetJsonAsync<ContainerInfo>($"/api/containers/{id[..12]}");
        var bySlashName = await _http.GetJsonAsync<ContainerInfo>($"/api/containers/%2F{web}");
        Assert.Equal(id, byName.Id);
        Assert.Equal(id, byId.Id);
        Assert.Equal(id, byPrefix.Id);
        Assert.Equal(id, bySlashName.Id);
    }

    [Fact]
    public async Task PidHostContainerShowsPidHost()
    {
        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.RunAsync("pidhost", ["--pid=host"]);

        var c = await _http.GetJsonAsync<ContainerInfo>($"/api/containers/{name}");
        var pid = await docker.PidAsync(name);
        Assert.Equal(Sharing.Host, c.Namespaces![NamespaceType.Pid].Sharing);
        Assert.Equal(await Shell.ReadlinkNsAsync(2, "pid"), c.Namespaces[NamespaceType.Pid].Inode);
        Assert.Equal(await Shell.ReadlinkNsAsync(pid, "pid"), c.Namespaces[NamespaceType.Pid].Inode);
        Assert.Equal("host", c.HostConfig.PidMode);
        Assert.Equal(Sharing.Private, c.Namespaces[NamespaceType.Net].Sharing);
    }

    [Fact]
    public async Task ContainerJoiningAnothersNetworkSharesIt()
    {
        await using var docker = await DockerScope.CreateAsync();
        var web1 = await docker.RunAsync("web1");
        var joiner = await docker.RunAsync("joiner", ["--network", $"container:{web1}"]);
        var web1Id = await docker.IdAsync(web1);
        var joinerId = await docker.IdAsync(joiner);

        var containers = await _http.GetJsonAsync<List<ContainerInfo>>("/api/containers");
        var a = containers.Single(c => c.Name == web1);
        var b = containers.Single(c => c.Name == joiner);

        var inode = await Shell.ReadlinkNsAsync(await docker.PidAsync(web1), "net");
        Assert.Equal(inode, await Shell.ReadlinkNsAsync(await docker.PidAsync(joiner), "net"));
        Assert.Equal(inode, a.Namespaces![NamespaceType.Net].Inode);
        Assert.Equal(inode, b.Namespaces![NamespaceType.Net].Inode);
        Assert.Equal(Sharing.Shared, a.Namespaces[NamespaceType.Net].Sharing);
        Assert.Equal(Sharing.Shared, b.Namespaces[NamespaceType.Net].Sharing);
        Assert.Equal(new ContainerRef { Id = joinerId, Name = joiner }, Assert.Single(a.Namespaces[NamespaceType.Net].SharedWith));
        Assert.Equal(new ContainerRef { Id = web1Id, Name = web1 }, Assert.Single(b.Namespaces[NamespaceType.Net].SharedWith));
        // Only the network is joined: the PID namespaces stay apart.
        Assert.Equal(Sharing.Private, b.Namespaces[NamespaceType.Pid].Sharing);
        Assert.Empty(b.Namespaces[NamespaceType.Pid].SharedWith);
        Assert.StartsWith("container:", b.HostConfig.NetworkMode);

        var ns = await _http.GetJsonAsync<NamespaceDetail>($"/api/namespaces/net/{inode}");
        Assert.Equal([joiner, web1], ns.Containers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ShareableIpcIsSharedWithTheContainerThatJoinsIt()
    {
        await using var docker = await DockerScope.CreateAsync();
        var owner = await docker.RunAsync("ipcowner", ["--ipc", "shareable"]);
        var guest = await docker.RunAsync("ipcguest", ["--ipc", $"container:{owner}"]);

        var a = await _http.GetJsonAsync<ContainerInfo>($"/api/containers/{owner}");
        var b = await _http.GetJsonAsync<ContainerInfo>($"/api/containers/{guest}");
        var inode = await Shell.ReadlinkNsAsync(await docker.PidAsync(guest), "ipc");
        Assert.Equal(inode, await Shell.ReadlinkNsAsync(await docker.PidAsync(owner), "ipc"));
        Assert.Equal(inode, a.Namespaces![NamespaceType.Ipc].Inode);
        Assert.Equal(Sharing.Shared, a.Namespaces[NamespaceType.Ipc].Sharing);
        Assert.Equal(Sharing.Shared, b.Namespaces![NamespaceType.Ipc].Sharing);
        Assert.Equal(guest, Assert.Single(a.Namespaces[NamespaceType.Ipc].SharedWith).Name);
        Assert.Equal("shareable", a.HostConfig.IpcMode);
    }

    [Fact]
    public async Task StoppedContainerIsListedWithoutNamespaces()
    {
        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.CreateAsync("created");

        var c = await _http.GetJsonAsync<ContainerInfo>($"/api/containers/{name}");
        Assert.Equal("created", c.State);
        Assert.Null(c.Pid);
        Assert.Null(c.Namespaces);
        Assert.Empty(await _http.GetJsonAsync<List<ContainerNamespaceRow>>($"/api/containers/{name}/namespaces"));

        using var raw = JsonDocument.Parse(await _http.GetStringAsync($"/api/containers/{name}", TestContext.Current.CancellationToken));
        Assert.Equal(JsonValueKind.Null, raw.RootElement.GetProperty("namespaces").ValueKind);
    }

    [Fact]
    public async Task NamespaceFiltersByContainerAndPid()
    {
        await using var docker = await DockerScope.CreateAsync();
        var name = await docker.RunAsync("filter");
        var pid = await docker.PidAsync(name);

        var byContainer = await _http.GetJsonAsync<List<NamespaceSummary>>($"/api/namespaces?container={name}");
        var byPid = await _http.GetJsonAsync<List<NamespaceSummary>>($"/api/namespaces?pid={pid}");
        var netOnly = await _http.GetJsonAsync<List<NamespaceSummary>>($"/api/namespaces?container={name}&type=net");

        Assert.Equal(8, byContainer.Count);
        Assert.Equal(byContainer.Select(n => (n.Type, n.Inode)).Order(), byPid.Select(n => (n.Type, n.Inode)).Order());
        foreach (var ns in byContainer)
        {
            Assert.Equal(await Shell.ReadlinkNsAsync(pid, ns.Type.ToKernelName()), ns.Inode);
        }

        var net = Assert.Single(netOnly);
        Assert.Equal(NamespaceType.Net, net.Type);
        Assert.Equal(pid, net.LowestPid);
        Assert.Equal([name], net.Containers);
        Assert.False(net.Hidden);

        var process = await _http.GetJsonAsync<ProcessInfo>($"/api/processes/{pid}");
        Assert.Equal(name, process.Container?.Name);
        Assert.Equal(pid, process.NsPids[0]);
        Assert.Equal(1, process.NsPids[^1]); // the container's init is PID 1 inside
    }
}
