namespace Dashboard.Testing;

/// <summary>
/// A Docker engine of the test's own (own socket, data root, exec root, own default bridge, no iptables), so that a test
/// can stop and start it without touching the engine the other tests use. Loads the test image into it.
/// </summary>
/// <remarks>
/// Not <c>--bridge=none</c>: an engine started that way deletes any <c>docker0</c> it finds, which is the other
/// engine's. It gets a bridge of its own, made here and removed on dispose.
/// </remarks>
public sealed class SecondEngine : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string _label;

    private readonly string _bridge;

    private SecondEngine(string dir)
    {
        _dir = dir;
        _label = Path.GetFileName(dir);
        // dt-eb-1a2b3c: within the 15 characters of an interface name.
        _bridge = "dt-eb-" + _label[^6..];
    }

    /// <summary>e.g. <c>unix:///tmp/dt-engine-1a2b3c/docker.sock</c>.</summary>
    public string Endpoint => $"unix://{Socket}";

    /// <summary>The socket file's path on the host.</summary>
    public string Socket => Path.Combine(_dir, "docker.sock");
    private string PidFile => Path.Combine(_dir, "docker.pid");

    public static async Task<SecondEngine> StartAsync()
    {
        Requirements.DockerEngine();
        Requirements.Root();
        var engine = new SecondEngine(Path.Combine("/tmp", $"dt-engine-{Guid.NewGuid().ToString("N")[..6]}"));
        Directory.CreateDirectory(engine._dir);
        await Shell.RunAsync("ip", "link", "add", "name", engine._bridge, "type", "bridge");
        // A /30 in 10.254/16 that no Docker pool hands out; the engine takes the bridge's address as its gateway.
        var subnet = Random.Shared.Next(0, 16384) * 4;
        await Shell.RunAsync("ip", "addr", "add", $"10.254.{subnet / 256}.{subnet % 256 + 1}/30", "dev", engine._bridge);
        await engine.StartDaemonAsync();
        // The image comes from the main engine: no registry is needed.
        await Shell.RunAsync("sh", ["-c", $"docker save {DockerScope.Image} | docker -H {engine.Endpoint} load"], TimeSpan.FromMinutes(2));
        return engine;
    }

    /// <summary>Runs the docker CLI against this engine.</summary>
    public Task<Shell.Result> DockerAsync(params string[] args) => Shell.RunAsync("docker", ["-H", Endpoint, .. args]);

    /// <summary>A container that stops within a second when the engine shuts down (sleep as PID 1 ignores SIGTERM).</summary>
    public async Task<string> RunAsync(string name) =>
        (await DockerAsync("run", "-d", "--network", "none", "--stop-timeout", "1", "--label", $"{DockerScope.Label}={_label}", "--name", name, DockerScope.Image, "sleep", "1d")).Out;

    public async Task StartDaemonAsync()
    {
        // Detached through sh so that the daemon is not a child the test's process group would take down with it.
        await Shell.RunAsync("sh", ["-c",
            $"dockerd --data-root {_dir}/data --exec-root {_dir}/exec -H {Endpoint} --pidfile {PidFile} " +
            $"--bridge={_bridge} --iptables=false --ip6tables=false --ip-masq=false >>{_dir}/dockerd.log 2>&1 &"]);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var version = await Shell.RunAsync("docker", ["-H", Endpoint, "version", "--format", "{{.Server.Version}}"], TimeSpan.FromSeconds(10), check: false);
            if (version.ExitCode == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the second engine did not answer within 60 s: {await File.ReadAllTextAsync($"{_dir}/dockerd.log")}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Stops the daemon and waits until its process is gone.</summary>
    public async Task StopDaemonAsync()
    {
        if (!File.Exists(PidFile) || !int.TryParse((await File.ReadAllTextAsync(PidFile)).Trim(), out var pid))
        {
            return;
        }

        await Shell.RunAsync("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], check: false);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Shell.RunAsync("sh", ["-c", $"docker -H {Endpoint} ps -aq | xargs -r docker -H {Endpoint} rm -f"], TimeSpan.FromMinutes(1), check: false);
        await StopDaemonAsync();
        await Shell.RunAsync("sh", ["-c", $"grep -o ' {_dir}[^ ]*' /proc/self/mounts | sort -r | xargs -r -n1 umount -l; rm -rf {_dir}"], check: false);
        await Shell.RunAsync("ip", ["link", "del", _bridge], check: false);
    }
}
