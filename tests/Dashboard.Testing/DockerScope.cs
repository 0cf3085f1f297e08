using System.Text.Json;

namespace Dashboard.Testing;

/// <summary>
/// The containers and networks one test makes on the shared engine: unique name prefix, a label for clean-up
/// after crashed runs, and removal on dispose even when the test failed.
/// </summary>
public sealed class DockerScope : IAsyncDisposable
{
    public const string Image = "dashboard-test/busybox:1";
    public const string Label = "dashboard.test";

    private static readonly SemaphoreSlim s_imageLock = new(1, 1);
    private static bool s_imageReady;

    // Tests may start containers in parallel.
    private readonly Lock _lock = new();
    private readonly List<string> _containers = [];
    private readonly List<string> _networks = [];

    private DockerScope(string prefix) => Prefix = prefix;

    /// <summary>e.g. <c>dt-3f9a1c-</c>; every name this scope makes starts with it.</summary>
    public string Prefix { get; }

    public static async Task<DockerScope> CreateAsync()
    {
        Requirements.DockerEngine();
        await EnsureImageAsync();
        return new DockerScope($"dt-{Guid.NewGuid().ToString("N")[..6]}-");
    }

    public string Name(string shortName) => Prefix + shortName;

    public async Task<string> CreateNetworkAsync(string shortName, params string[] extraArgs)
    {
        var name = Name(shortName);
        await Shell.RunAsync("docker", ["network", "create", "--label", $"{Label}={Prefix}", .. extraArgs, name]);
        lock (_lock)
        {
            _networks.Add(name);
        }

        return name;
    }

    /// <summary>Starts a detached container from the test image; returns its name. Extra args go before the image.</summary>
    public async Task<string> RunAsync(string shortName, string[]? dockerArgs = null, string[]? command = null)
    {
        var name = Name(shortName);
        lock (_lock)
        {
            _containers.Add(name);
        }

        await Shell.RunAsync("docker", ["run", "-d", "--name", name, "--label", $"{Label}={Prefix}", .. dockerArgs ?? [], Image, .. command ?? ["sleep", "1d"]]);
        return name;
    }

    /// <summary>Creates a container without starting it.</summary>
    public async Task<string> CreateAsync(string shortName)
    {
        var name = Name(shortName);
        lock (_lock)
        {
            _containers.Add(name);
        }

        await Shell.RunAsync("docker", ["create", "--name", name, "--label", $"{Label}={Prefix}", Image, "sleep", "1d"]);
        return name;
    }

    public async Task<JsonElement> InspectAsync(string name)
    {
        var json = (await Shell.RunAsync("docker", "inspect", name)).Out;
        return JsonDocument.Parse(json).RootElement[0].Clone();
    }

    public async Task<int> PidAsync(string name) =>
        int.Parse((await Shell.RunAsync("docker", "inspect", "--format", "{{.State.Pid}}", name)).Out);

    public async Task<string> IdAsync(string name) =>
        (await Shell.RunAsync("docker", "inspect", "--format", "{{.Id}}", name)).Out;

    public async ValueTask DisposeAsync()
    {
        if (_containers.Count > 0)
        {
            // rm -f kills at once: sleep as PID 1 ignores SIGTERM, so a polite stop would wait out the timeout.
            await Shell.RunAsync("docker", ["rm", "-f", "-v", .. _containers], check: false);
        }

        foreach (var network in _networks)
        {
            await Shell.RunAsync("docker", ["network", "rm", network], check: false);
        }
    }

    private static async Task EnsureImageAsync()
    {
        await s_imageLock.WaitAsync();
        try
        {
            if (!s_imageReady)
            {
                var script = Path.Combine(Shell.RepositoryRoot, "scripts", "make-test-image.sh");
                await Shell.RunAsync("bash", script, Image);
                s_imageReady = true;
            }
        }
        finally
        {
            s_imageLock.Release();
        }
    }
}
