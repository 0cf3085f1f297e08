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
/// the repository's docker-compose.yml (with tests/deploy/docker-compose.ci.yml on top). From outside, its API must
/// report the test's containers with the inodes readlink gives on the host, and its own container among them.
/// Runs alone: the image build makes unlabelled intermediate containers, which tests comparing the whole host's
/// containers beside it would see as strangers.
/// </summary>
[Collection(nameof(ComposeDeploymentTests))]
public sealed class ComposeDeploymentTests
{
    private const string RuntimeImage = "namespace-dashboard-runtime:local";

    [Fact]
    public async Task TheComposedContainerSeesTheHostAsTheHostDoes()
    {
        Requirements.DockerEngine();
        Tool("docker-compose", "docker-compose (apt-get install docker-compose)");
        Tool("debootstrap", "debootstrap (apt-get install debootstrap), to build the runtime base image");
        var root = Shell.RepositoryRoot;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var image = $"namespace-dashboard:dt-{suffix}";
        var project = $"dt-deploy-{suffix}";
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var port = FreePort();
        string[] compose = ["-p", project, "-f", Path.Combine(root, "docker-compose.yml"), "-f", Path.Combine(root, "tests/deploy/docker-compose.ci.yml")];
        var environment = new Dictionary<string, string> { ["DT_IMAGE"] = image, ["DASHBOARD_PORT"] = $"{port}", ["DASHBOARD_ACCESS_TOKEN"] = token };

        await Shell.RunAsync(Path.Combine(root, "scripts/make-runtime-image.sh"), [RuntimeImage], TimeSpan.FromMinutes(10));
        var published = Path.Combine(root, "artifacts/publish");
        if (Directory.Exists(published))
        {
            Directory.Delete(published, recursive: true);
        }

        await Shell.RunAsync("dotnet", ["publish", Path.Combine(root, "src/Server"), "-c", "Release", "-o", published, "--nologo"], TimeSpan.FromMinutes(10));
        await Shell.RunAsync("docker", ["build", "-q", "--target", "published", "--build-arg", $"RUNTIME_IMAGE={RuntimeImage}", "-t", image, root], TimeSpan.FromMinutes(5));

        await using var docker = await DockerScope.CreateAsync();
        try
        {
            var network = await docker.CreateNetworkAsync("mynetwork");
            var web1 = await docker.RunAsync("web1", ["--network", network]);
            var web2 = await docker.RunAsync("web2", ["--network", network]);

            await ShellEnv(environment, "docker-compose", [.. compose, "up", "-d", "--no-build"]);
            var dashboardId = (await ShellEnv(environment, "docker-compose", [.. compose, "ps", "-q", "dashboard"])).Out;
            Assert.NotEmpty(dashboardId);
            await WaitHealthyAsync(dashboardId);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var status = (await http.GetFromJsonAsync<StatusInfo>("api/status", DashboardJson.Options, TestContext.Current.CancellationToken))!;
            Assert.True(status.Docker.Available, status.Docker.Error);
            Assert.Equal(StorageState.Ok, status.Storage?.State);
            Assert.Equal("/data/dashboard.db", status.Storage?.Path);
            var containers = (await http.GetFromJsonAsync<List<ContainerInfo>>("api/containers", DashboardJson.Options, TestContext.Current.CancellationToken))!;

            // The test's containers, with every inode as the host's readlink gives it.
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
            await ShellEnv(environment, "docker-compose", [.. compose, "logs", "--no-color", "--tail", "40"], check: false);
            await ShellEnv(environment, "docker-compose", [.. compose, "down", "-v", "--timeout", "5"], check: false);
            await Shell.RunAsync("docker", ["rmi", "-f", image], check: false);
        }
    }

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

    private static void Tool(string name, string what)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, name)));
        if (!found)
        {
            Requirements.Unavailable($"needs {what}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(nameof(ComposeDeploymentTests), DisableParallelization = true)]
public sealed class ComposeDeploymentCollection;
