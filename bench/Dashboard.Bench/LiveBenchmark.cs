using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Dashboard.Testing;

namespace Dashboard.Bench;

/// <summary>
/// The live hub end to end, not a micro-benchmark: the server runs as its own process (Release build) on a real socket,
/// 50 hub clients subscribe, and 50 containers are started one after another on 5 networks. Measured: the time from
/// <c>docker run -d</c> returning to a client holding that container running with its eight namespaces, for the
/// first and the last of the 50 clients (the fan-out), and the server's resident memory while one more subscriber
/// stops reading during container churn. Run with <c>-- live</c>; see docs/benchmarks.md.
/// </summary>
internal static class LiveBenchmark
{
    private const string Prefix = "dt-bench-live-";
    private const string Label = "dashboard.test=bench-live";
    private const int Subscribers = 50;
    private const int Containers = 50;
    private const int Networks = 5;
    private static readonly List<string> s_refreshes = [];

    public static async Task<int> RunAsync()
    {
        var root = Shell.RepositoryRoot;
        var dll = Path.Combine(root, "src/Server/bin/Release/net10.0/Dashboard.Server.dll");
        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"{dll} is missing: run the bench with -c Release, which builds the server too.");
            return 2;
        }

        Cleanup();
        var port = FreePort();
        var dataDir = Directory.CreateTempSubdirectory("dt-bench-live-").FullName;
        using var server = StartServer(dll, port, dataDir);
        try
        {
            var address = new Uri($"http://127.0.0.1:{port}/");
            await WaitForServerAsync(address, server);
            Console.WriteLine($"server pid {server.Id}; RSS after start {Rss(server.Id)} MiB; load {File.ReadAllText("/proc/loadavg").Trim()}");

            for (var n = 0; n < Networks; n++)
            {
                await Shell.RunAsync("docker", "network", "create", "--label", Label, $"{Prefix}net{n}");
            }

            var subscriptions = new List<LiveSubscription>();
            for (var i = 0; i < Subscribers; i++)
            {
                subscriptions.Add(await LiveSubscription.StartAsync(address));
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
            Console.WriteLine($"RSS with {Subscribers} idle subscribers: {Rss(server.Id)} MiB");

            var first = new List<double>();
            var last = new List<double>();
            var spread = new List<double>();
            for (var i = 0; i < Containers; i++)
            {
                var run = await Shell.RunAsync("docker", "run", "-d", "--label", Label, "--network", $"{Prefix}net{i % Networks}", "--name", $"{Prefix}c{i}", DockerScope.Image, "sleep", "1d");
                var returned = DateTimeOffset.UtcNow;
                var id = run.Out;
                foreach (var s in subscriptions)
                {
                    await s.WaitForAsync(l => l.FirstRunningAt.ContainsKey(id), TimeSpan.FromSeconds(30), $"container {i}");
                }

                var arrivals = subscriptions.Select(s => s.Read(l => l.FirstRunningAt[id])).ToList();
                // Negative when the hub was quicker than the CLI's own return; counted as it is.
                first.Add((arrivals.Min() - returned).TotalMilliseconds);
                last.Add((arrivals.Max() - returned).TotalMilliseconds);
                spread.Add((arrivals.Max() - arrivals.Min()).TotalMilliseconds);
            }

            Console.WriteLine();
            Console.WriteLine($"| `docker run -d` returned → container running with 8 namespaces held ({Containers} containers, {Subscribers} subscribers) | p50 | p95 | max |");
            Console.WriteLine("|---|---:|---:|---:|");
            Row("first subscriber to hold it", first);
            Row("last of the 50 subscribers to hold it", last);
            Row("fan-out spread (last − first)", spread);
            var gaps = subscriptions.Sum(s => s.Read(l => l.Gaps.Count));
            var batches = subscriptions[0].Read(l => l.Batches);
            Console.WriteLine($"gaps seen by any subscriber: {gaps}; batches received by one subscriber: {batches}");
            Console.WriteLine($"RSS with {Subscribers} subscribers and {Containers} containers: {Rss(server.Id)} MiB");
            SummariseRefreshes();

            await StalledSubscriberAsync(address, server.Id);

            foreach (var s in subscriptions)
            {
                await s.DisposeAsync();
            }

            return 0;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Cleanup();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>
    /// One more subscriber that subscribes and then reads nothing (but keeps pinging, as a live browser tab would),
    /// while containers are removed and started again for a minute. Its queue fills, it is dropped, and the server's
    /// memory stays where it was.
    /// </summary>
    private static async Task StalledSubscriberAsync(Uri address, int serverPid)
    {
        using var stalled = await RawSubscriber.ConnectAsync(address);
        Console.WriteLine();
        Console.WriteLine("| seconds into churn with a stalled subscriber | server RSS (MiB) |");
        Console.WriteLine("|---:|---:|");
        var clock = Stopwatch.StartNew();
        var samples = new List<long>();
        var round = 0;
        TimeSpan? closedAt = null;
        var nextSample = TimeSpan.Zero;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (clock.Elapsed >= nextSample)
            {
                var rss = Rss(serverPid);
                samples.Add(rss);
                Console.WriteLine($"| {clock.Elapsed.TotalSeconds:0} | {rss} |");
                nextSample += TimeSpan.FromSeconds(10);
                if (closedAt is null && !await stalled.TryPingAsync())
                {
                    closedAt = clock.Elapsed;
                }
            }

            var name = $"{Prefix}c{round % Containers}";
            await Shell.RunAsync("docker", "rm", "-f", name);
            await Shell.RunAsync("docker", "run", "-d", "--label", Label, "--network", $"{Prefix}net{round % Networks}", "--name", name, DockerScope.Image, "sleep", "1d");
            round++;
        }

        samples.Add(Rss(serverPid));
        Console.WriteLine($"| {clock.Elapsed.TotalSeconds:0} | {samples[^1]} |");
        var (bytes, completion) = await stalled.DrainAsync(TimeSpan.FromSeconds(10));
        Console.WriteLine($"{round} containers replaced; RSS min {samples.Min()} / max {samples.Max()} MiB; " +
            $"server closed the stalled connection: {(closedAt is { } at ? $"by {at.TotalSeconds:0} s" : "no")}; " +
            $"it then read {bytes / 1024} KiB and its stream ended with: {completion ?? "(no completion message)"}");
    }

    /// <summary>Median and p95 of each refresh phase, from the server's debug log of the run so far.</summary>
    private static void SummariseRefreshes()
    {
        List<double[]> phases;
        lock (s_refreshes)
        {
            phases = s_refreshes.Select(l => System.Text.RegularExpressions.Regex.Matches(l, @"([0-9]+\.[0-9]) ms")
                .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray())
                .Where(p => p.Length == 4).ToList();
            s_refreshes.Clear();
        }

        if (phases.Count == 0)
        {
            return;
        }

        string[] names = ["docker", "/proc scan", "netlink", "build"];
        Console.WriteLine($"refreshes: {phases.Count}; " + string.Join("; ", names.Select((n, i) =>
        {
            var sorted = phases.Select(p => p[i]).Order().ToList();
            return string.Create(CultureInfo.InvariantCulture, $"{n} p50 {sorted[sorted.Count / 2]:0} ms p95 {sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.95))]:0} ms");
        })));
    }

    private static void Row(string what, List<double> values)
    {
        var sorted = values.Order().ToList();
        double At(double q) => Stats.Percentile(sorted, q);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {At(0.5):0} ms | {At(0.95):0} ms | {sorted[^1]:0} ms |"));
    }

    internal static Process StartServer(string dll, int port, string dataDir, bool quiet = false, params string[] extraArgs)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            // Open on loopback, so that the 50 hub clients need no token; the bench measures the hub, not the login.
            ArgumentList = { dll, "--urls", $"http://127.0.0.1:{port}", "--Dashboard:DatabasePath", Path.Combine(dataDir, "dashboard.db"), "--Dashboard:OpenOnLoopback", "true" },
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__LogLevel__Default"] = "Warning",
                // The refresh phases are summed up from this log; a quiet run logs as a deployment does.
                ["Logging__LogLevel__Dashboard.Server.Live"] = quiet ? "Warning" : "Debug",
                ["Logging__Console__FormatterName"] = "simple",
                ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            },
        };
        foreach (var arg in extraArgs)
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            // Refresh timings are summed up at the end; everything else is shown as it comes.
            if (line.Contains("Refreshed: ", StringComparison.Ordinal))
            {
                lock (s_refreshes)
                {
                    s_refreshes.Add(line);
                }
            }
            else if (!quiet && !line.Contains("WebRootPath", StringComparison.Ordinal))
            {
                Console.WriteLine($"  server: {line}");
            }
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.WriteLine($"  server: {line}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitForServerAsync(Uri address, Process server)
    {
        using var http = new HttpClient { BaseAddress = address };
        for (var i = 0; i < 600; i++)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {server.ExitCode}");
            }

            try
            {
                using var response = await http.GetAsync("api/status");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the server did not answer within 60 s");
    }

    internal static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Cleanup()
    {
        Shell.RunAsync("sh", ["-c",
            $"docker ps -aq --filter label={Label} | xargs -r docker rm -f >/dev/null; " +
            $"docker network ls -q --filter label={Label} | xargs -r docker network rm >/dev/null"], check: false).GetAwaiter().GetResult();
    }

    /// <summary>A hub client written against the wire protocol, so that it can stop reading (the .NET client never does).</summary>
    private sealed class RawSubscriber : IDisposable
    {
        private const char RecordSeparator = '\u001e';
        private readonly Socket _socket;
        private readonly WebSocket _ws;

        private RawSubscriber(Socket socket, WebSocket ws)
        {
            _socket = socket;
            _ws = ws;
        }

        public static async Task<RawSubscriber> ConnectAsync(Uri address)
        {
            // A small, fixed receive buffer: the kernel then holds little on our side, as on a slow link.
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
            await socket.ConnectAsync(address.Host, address.Port);
            var stream = new NetworkStream(socket, ownsSocket: false);
            var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
            var request = $"GET /hubs/dashboard HTTP/1.1\r\nHost: {address.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
            var header = new StringBuilder();
            var one = new byte[1];
            while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(one) == 0)
                {
                    throw new IOException("connection closed during the upgrade");
                }

                header.Append((char)one[0]);
            }

            if (!header.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                throw new IOException($"no upgrade: {header}");
            }

            var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
            var subscriber = new RawSubscriber(socket, ws);
            await subscriber.SendAsync("{\"protocol\":\"json\",\"version\":1}");
            await subscriber.SendAsync("{\"type\":4,\"invocationId\":\"0\",\"target\":\"Subscribe\",\"arguments\":[]}");
            return subscriber;
        }

        /// <summary>Keeps the connection alive without reading: the server drops clients that stay silent for 30 s.</summary>
        public async Task<bool> TryPingAsync()
        {
            try
            {
                await SendAsync("{\"type\":6}");
                return true;
            }
            catch (Exception e) when (e is WebSocketException or IOException)
            {
                return false;
            }
        }

        private Task SendAsync(string message) =>
            _ws.SendAsync(Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None);

        /// <summary>Reads everything queued for it; returns the bytes read and the error of the stream's completion, if any.</summary>
        public async Task<(long Bytes, string? Completion)> DrainAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            var buffer = new byte[1 << 16];
            long total = 0;
            var tail = new StringBuilder();
            try
            {
                while (true)
                {
                    var result = await _ws.ReceiveAsync(buffer, cts.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    total += result.Count;
                    tail.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
                    if (tail.Length > 8192)
                    {
                        tail.Remove(0, tail.Length - 8192);
                    }

                    var text = tail.ToString();
                    var completion = text.IndexOf("\"type\":3", StringComparison.Ordinal);
                    if (completion >= 0 && text.IndexOf(RecordSeparator, completion) > 0)
                    {
                        var end = text.IndexOf(RecordSeparator, completion);
                        var start = text.LastIndexOf('{', completion);
                        return (total, text[start..end]);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
            {
            }

            return (total, null);
        }

        public void Dispose()
        {
            _ws.Dispose();
            _socket.Dispose();
        }
    }
}
