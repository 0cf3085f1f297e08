using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Deploy;

/// <summary>
/// The image and the compose file for real: the server is published on this machine, the image built on a runtime
/// base made from Debian and this machine's .NET (no registry is reachable), and started with docker-compose from
/// the repository's docker-compose.yml (with tests/deploy/docker-compose.ci.yml on top, which changes no privilege).
/// The server must run as a non-root user holding only the collectors' capabilities; from outside, its API must report
/// the test's containers with the inodes readlink gives on the host, and its own container among them; and it must
/// follow an engine through a restart that replaces the socket file.
/// Runs alone: the image build makes unlabelled intermediate containers, which tests comparing the whole host's
/// containers beside it would see as strangers.
/// </summary>
[Collection(nameof(ComposeDeploymentTests))]
public sealed class ComposeDeploymentTests(DeploymentImage image)
{
    [Fact]
    public async Task TheComposedContainerSeesTheHostAsTheHostDoes()
    {
        await image.EnsureBuiltAsync();
        var token = NewToken();
        var port = FreePort();
        var deployment = new Deployment(image.Name, port, token, []);
        await using var docker = await DockerScope.CreateAsync();
        try
        {
            var network = await docker.CreateNetworkAsync("mynetwork");
            var web1 = await docker.RunAsync("web1", ["--network", network]);

            var dashboardId = await deployment.UpAsync();
            await AssertLeastPrivilegeAsync(dashboardId);
            using var http = Client(port, token);
            var status = (await http.GetFromJsonAsync<StatusInfo>("api/status", DashboardJson.Options, TestContext.Current.CancellationToken))!;
            Assert.True(status.Docker.Available, status.Docker.Error);
            Assert.Equal(StorageState.Ok, status.Storage?.State);
            Assert.Equal("/data/dashboard.db", status.Storage?.Path);
            // With the host's pids but a network namespace of its own, it still hears the kernel's process events.
            Assert.Equal(EventSourceState.Live, status.Sources?.ProcessEvents.State);

            // The test's containers, one started before the dashboard and one after, with every inode as the host's
            // readlink gives it: the unprivileged server reads any process's namespaces.
            var web2 = await docker.RunAsync("web2", ["--network", network]);
            var containers = await WaitForAsync(http, "api/containers", (List<ContainerInfo> l) => l.Any(c => c.Name == web2 && c.Namespaces?.Count == 8),
                TimeSpan.FromSeconds(60), "a container started after the dashboard");
            foreach (var name in new[] { web1, web2 })
            {
                var pid = await docker.PidAsync(name);
                var seen = Assert.Single(containers, c => c.Name == name);
                Assert.Equal(pid, seen.Pid);
                foreach (var type in NamespaceTypes.All)
                {
                    Assert.Equal(await Shell.ReadlinkNsAsync(pid, type.ToKernelName()), seen.Namespaces![type].Inode);
                }
            }

            // Its own container, like any other: host PID namespace (pid: host), a network namespace of its own.
            var self = Assert.Single(containers, c => c.Id == dashboardId || c.Id.StartsWith(dashboardId, StringComparison.Ordinal));
            var selfPid = int.Parse((await Shell.RunAsync("docker", "inspect", "--format", "{{.State.Pid}}", self.Id)).Out);
            Assert.Equal(selfPid, self.Pid);
            Assert.Equal(Sharing.Host, self.Namespaces![NamespaceType.Pid].Sharing);
            Assert.Equal(await Shell.ReadlinkNsAsync(selfPid, "net"), self.Namespaces[NamespaceType.Net].Inode);
            Assert.NotEqual(Sharing.Host, self.Namespaces[NamespaceType.Net].Sharing);
            Assert.NotEqual(Sharing.Host, self.Namespaces[NamespaceType.Mnt].Sharing);

            // It answers only with the token once it is reached from beyond its own loopback, as it is through the port.
            using var anonymous = new HttpClient { BaseAddress = http.BaseAddress };
            using var refused = await anonymous.GetAsync("api/containers", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        finally
        {
            await deployment.DownAsync();
        }
    }

    /// <summary>
    /// The engine restarts and makes a new socket file: the container reaches it through a host process's root (the
    /// compose file uses PID 1's, which cannot be entered here, so the test's own process stands in for it), says
    /// the engine is gone while it is, and follows the new engine's containers afterwards.
    /// </summary>
    [Fact]
    public async Task TheComposedContainerFollowsTheEngineThroughARestart()
    {
        await image.EnsureBuiltAsync();
        await using var engine = await SecondEngine.StartAsync();
        var prefix = $"dt-{Guid.NewGuid().ToString("N")[..6]}-";
        var before = await engine.RunAsync(prefix + "before");
        var token = NewToken();
        var port = FreePort();
        var throughHostRoot = $"unix:///proc/{Environment.ProcessId}/root{engine.Socket}";
        var deployment = new Deployment(image.Name, port, token, [("tests/deploy/docker-compose.engine.yml", "DT_DOCKER_ENDPOINT", throughHostRoot)]);
        try
        {
            await deployment.UpAsync();
            using var http = Client(port, token);
            var budget = TimeSpan.FromSeconds(60);
            var status = await WaitForAsync(http, "api/status", (StatusInfo s) => s.Docker.State == DockerEngineState.Connected, budget, "connected to the test's engine");
            Assert.Equal(throughHostRoot, status.Docker.Endpoint);
            Assert.Contains(await ContainersAsync(http), c => c.Id == before && c.State == "running");

            // Down and up again: dockerd removes its socket file and makes a new one (another inode).
            var socketBefore = await InodeAsync(engine.Socket);
            await engine.StopDaemonAsync();
            await WaitForAsync(http, "api/status", (StatusInfo s) => !s.Docker.Available, budget, "the engine reported gone");
            await engine.StartDaemonAsync();
            Assert.NotEqual(socketBefore, await InodeAsync(engine.Socket));

            await WaitForAsync(http, "api/status", (StatusInfo s) => s.Docker.State == DockerEngineState.Connected, budget, "connected again");
            var after = await engine.RunAsync(prefix + "after");
            var afterPid = int.Parse((await engine.DockerAsync("inspect", "--format", "{{.State.Pid}}", after)).Out);
            var seen = await WaitForAsync(http, "api/containers", (List<ContainerInfo> l) => l.Any(c => c.Id == after && c.Namespaces?.Count == 8), budget, "a container started after the restart");
            var afterSeen = Assert.Single(seen, c => c.Id == after);
            Assert.Equal(afterPid, afterSeen.Pid);
            Assert.Equal(await Shell.ReadlinkNsAsync(afterPid, "net"), afterSeen.Namespaces![NamespaceType.Net].Inode);

            // The list is the engine's as it is now: the first container stopped with the engine.
            var engineSays = (await engine.DockerAsync("ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.State}}")).Out
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1]);
            var listed = (await ContainersAsync(http)).ToDictionary(c => c.Id, c => c.State);
            Assert.Equal(engineSays.OrderBy(kv => kv.Key), listed.OrderBy(kv => kv.Key));
        }
        finally
        {
            await deployment.DownAsync();
        }
    }

    /// <summary>One compose project from the repository's docker-compose.yml, docker-compose.ci.yml and any further override files.</summary>
    private sealed class Deployment
    {
        private readonly string[] _compose;
        private readonly Dictionary<string, string> _environment;

        public Deployment(string image, int port, string token, (string File, string Variable, string Value)[] overrides)
        {
            var root = Shell.RepositoryRoot;
            var project = $"dt-deploy-{Guid.NewGuid().ToString("N")[..6]}";
            _compose = ["-p", project, "-f", Path.Combine(root, "docker-compose.yml"), "-f", Path.Combine(root, "tests/deploy/docker-compose.ci.yml"),
                .. overrides.SelectMany(o => new[] { "-f", Path.Combine(root, o.File) })];
            _environment = new Dictionary<string, string> { ["DT_IMAGE"] = image, ["DASHBOARD_PORT"] = $"{port}", ["DASHBOARD_ACCESS_TOKEN"] = token };
            foreach (var o in overrides)
            {
                _environment[o.Variable] = o.Value;
            }
        }

        /// <summary>Starts it and waits until Docker's health check calls it healthy; returns its container's id.</summary>
        public async Task<string> UpAsync()
        {
            await ShellEnv(_environment, "docker-compose", [.. _compose, "up", "-d", "--no-build"]);
            var id = (await ShellEnv(_environment, "docker-compose", [.. _compose, "ps", "-q", "dashboard"])).Out;
            Assert.NotEmpty(id);
            await WaitHealthyAsync(id);
            return id;
        }

        public async Task DownAsync()
        {
            await ShellEnv(_environment, "docker-compose", [.. _compose, "logs", "--no-color", "--tail", "40"], check: false);
            await ShellEnv(_environment, "docker-compose", [.. _compose, "down", "-v", "--timeout", "5"], check: false);
        }
    }

    /// <summary>The capabilities the server keeps (docker-compose.yml, cap_add; scripts/container-entrypoint.sh).</summary>
    private static readonly ulong ServerCapabilities = Bit(CapDacReadSearch) | Bit(CapNetAdmin) | Bit(CapSysPtrace) | Bit(CapSysAdmin);
    private const int CapDacReadSearch = 2;
    private const int CapNetAdmin = 12;
    private const int CapSysPtrace = 19;
    private const int CapSysAdmin = 21;

    private static ulong Bit(int capability) => 1UL << capability;

    /// <summary>
    /// The container as docker-compose.yml makes it (not privileged, read-only root, no-new-privileges), and its main
    /// process, the server after the entrypoint's drop, as the host's /proc shows it: a non-root user holding exactly
    /// the collectors' capabilities, with no way to gain more.
    /// </summary>
    private static async Task AssertLeastPrivilegeAsync(string id)
    {
        var host = (await Shell.RunAsync("docker", "inspect", "--format",
            "{{.HostConfig.Privileged}} {{.HostConfig.ReadonlyRootfs}} {{json .HostConfig.SecurityOpt}} {{.State.Pid}}", id)).Out.Split(' ');
        Assert.Equal("false", host[0]);
        Assert.Equal("true", host[1]);
        Assert.Contains("no-new-privileges", host[2], StringComparison.Ordinal);

        var pid = int.Parse(host[3]);
        var command = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline", TestContext.Current.CancellationToken)).Split('\0');
        Assert.Equal(["dotnet", "/app/Dashboard.Server.dll"], command[..2]);
        var status = (await File.ReadAllLinesAsync($"/proc/{pid}/status", TestContext.Current.CancellationToken))
            .Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
        var uids = status["Uid"].Split('\t').Select(int.Parse).ToArray();
        var gids = status["Gid"].Split('\t').Select(int.Parse).ToArray();
        Assert.All(uids, u => Assert.Equal(1654, u));
        Assert.All(gids, g => Assert.Equal(1654, g));
        Assert.Equal("1", status["NoNewPrivs"]);
        foreach (var set in new[] { "CapEff", "CapPrm", "CapAmb", "CapBnd" })
        {
            Assert.True(ServerCapabilities == Convert.ToUInt64(status[set], 16), $"{set} is {status[set]}, expected {ServerCapabilities:x16}");
        }
    }

    private static string NewToken() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    private static HttpClient Client(int port, string token)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static async Task<List<ContainerInfo>> ContainersAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<List<ContainerInfo>>("api/containers", DashboardJson.Options, TestContext.Current.CancellationToken))!;

    /// <summary>Polls a GET until its answer satisfies the condition; fails with the last answer after the budget.</summary>
    private static async Task<T> WaitForAsync<T>(HttpClient http, string path, Func<T, bool> condition, TimeSpan budget, string what)
    {
        var deadline = DateTimeOffset.UtcNow + budget;
        string last;
        do
        {
            using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}";
            if (response.IsSuccessStatusCode)
            {
                var value = (await response.Content.ReadFromJsonAsync<T>(DashboardJson.Options, TestContext.Current.CancellationToken))!;
                if (condition(value))
                {
                    return value;
                }
            }

            await Task.Delay(500);
        }
        while (DateTimeOffset.UtcNow < deadline);

        Assert.Fail($"not {what} after {budget.TotalSeconds} s; GET {path} last said {last}");
        return default!;
    }

    private static async Task<ulong> InodeAsync(string path) => ulong.Parse((await Shell.RunAsync("stat", "-c", "%i", path)).Out);

    private static async Task WaitHealthyAsync(string id)
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(120);
        string health;
        do
        {
            health = (await Shell.RunAsync("docker", "inspect", "--format", "{{.State.Health.Status}}", id)).Out;
            if (health == "healthy")
            {
                return;
            }

            await Task.Delay(1000);
        }
        while (DateTimeOffset.UtcNow < deadline);

        var logs = await Shell.RunAsync("docker", ["logs", "--tail", "40", id], check: false);
        Assert.Fail($"the dashboard container is {health} after 120 s; its log:\n{logs.StdOut}\n{logs.StdErr}");
    }

    private static async Task<Shell.Result> ShellEnv(Dictionary<string, string> environment, string file, string[] args, bool check = true)
    {
        // docker-compose reads the variables the compose files name from its environment.
        var result = await Shell.RunAsync(file, args, TimeSpan.FromMinutes(3), check, environment);
        TestContext.Current.TestOutputHelper?.WriteLine($"$ {file} {string.Join(' ', args)}\n{result.StdOut}{result.StdErr}");
        return result;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(nameof(ComposeDeploymentTests), DisableParallelization = true)]
public sealed class ComposeDeploymentCollection : ICollectionFixture<DeploymentImage>;

/// <summary>
/// The dashboard's image, built once for the deployment tests: the server published on this machine, on a runtime
/// base made from Debian and this machine's .NET (scripts/make-runtime-image.sh), with the Dockerfile's
/// <c>published</c> target, by the first test that needs it (the collection's tests run one at a time). Removed at the end.
/// </summary>
public sealed class DeploymentImage : IAsyncDisposable
{
    private const string RuntimeImage = "namespace-dashboard-runtime:local";
    private bool _built;

    public string Name { get; } = $"namespace-dashboard:dt-{Guid.NewGuid().ToString("N")[..6]}";

    public async Task EnsureBuiltAsync()
    {
        Requirements.DockerEngine();
        Tool("docker-compose", "docker-compose (apt-get install docker-compose)");
        Tool("debootstrap", "debootstrap (apt-get install debootstrap), to build the runtime base image");
        if (_built)
        {
            return;
        }

        var root = Shell.RepositoryRoot;
        await Shell.RunAsync(Path.Combine(root, "scripts/make-runtime-image.sh"), [RuntimeImage], TimeSpan.FromMinutes(10));
        var published = Path.Combine(root, "artifacts/publish");
        if (Directory.Exists(published))
        {
            Directory.Delete(published, recursive: true);
        }

        await Shell.RunAsync("dotnet", ["publish", Path.Combine(root, "src/Server"), "-c", "Release", "-o", published, "--nologo"], TimeSpan.FromMinutes(10));
        await Shell.RunAsync("docker", ["build", "-q", "--target", "published", "--build-arg", $"RUNTIME_IMAGE={RuntimeImage}", "-t", Name, root], TimeSpan.FromMinutes(5));
        _built = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_built)
        {
            await Shell.RunAsync("docker", ["rmi", "-f", Name], check: false);
        }
    }

    private static void Tool(string name, string what)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, name)));
        if (!found)
        {
            Requirements.Unavailable($"needs {what}");
        }
    }
}
