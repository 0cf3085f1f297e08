using System.Net.Http;
using System.Net.Sockets;

namespace Dashboard.Testing;

/// <summary>
/// What a test needs from the machine. Missing parts skip the test with the reason, except under CI=true,
/// where they fail it: CI must never go green by skipping the tests that matter.
/// </summary>
public static class Requirements
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public const string DockerSocket = "/var/run/docker.sock";

    private static readonly Lazy<string?> s_engineProblem = new(ProbeEngine);

    /// <summary>Skips (or under CI fails) the test unless a Docker engine answers on the local socket.</summary>
    public static void DockerEngine()
    {
        if (s_engineProblem.Value is { } problem)
        {
            Unavailable($"needs a Docker engine: {problem}");
        }
    }

    /// <summary>Skips (or under CI fails) the test unless Chromium is installed.</summary>
    public static string Chromium()
    {
        const string path = "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            Unavailable($"needs Chromium at {path} (apt-get install chromium)");
        }

        return path;
    }

    /// <summary>Skips (or under CI fails) the test unless it runs as root (reading every process's namespaces needs it).</summary>
    public static void Root()
    {
        if (Environment.UserName != "root" && !IsCi)
        {
            Assert.Skip("needs root to read every process's namespaces");
        }
        else if (Environment.UserName != "root")
        {
            Assert.Fail("needs root to read every process's namespaces (CI runs as root)");
        }
    }

    /// <summary>Skips the test with the reason; under CI fails it instead.</summary>
    public static void Unavailable(string reason)
    {
        if (IsCi)
        {
            Assert.Fail($"{reason} (CI=true: required parts must be present)");
        }

        Assert.Skip(reason);
    }

    private static string? ProbeEngine()
    {
        if (!File.Exists(DockerSocket))
        {
            return $"no socket at {DockerSocket}";
        }

        try
        {
            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(DockerSocket), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            using var http = new HttpClient(handler) { BaseAddress = new Uri("http://docker"), Timeout = TimeSpan.FromSeconds(5) };
            using var response = http.GetAsync("/_ping").GetAwaiter().GetResult();
            return response.IsSuccessStatusCode ? null : $"engine answered /_ping with {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or TaskCanceledException or IOException)
        {
            return $"engine at {DockerSocket} does not answer ({e.Message})";
        }
    }
}
