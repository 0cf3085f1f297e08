using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.Bench;

/// <summary>
/// Event-driven collection (issue 13) measured as a user meets it, side by side with a build of the code before it
/// (a Release build of another commit, given by path), one server after the other on the same host and load:
/// a 200-container burst (how soon the hub holds all of them, and the server's CPU meanwhile), then at 300
/// containers and over 1200 processes: <c>GET /api/namespaces</c> with curl against <c>lsns -J</c>, a full rescan,
/// the server's CPU and memory over a minute of idleness, and how soon a change made by <c>unshare</c>,
/// <c>ip netns add</c>, <c>ip -n … addr add</c> and <c>docker run -d</c> reaches a hub subscriber.
/// Run with <c>events [baseline Dashboard.Server.dll]</c>; see docs/benchmarks.md.
/// </summary>
internal static class EventsBenchmark
{
    private const string Prefix = "dt-bench-ev-";
    private const string Label = "dashboard.test=bench-events";
    private const int Burst = 200;
    private const int Load = 300;
    private const int Networks = 10;
    private const int Tries = 20;
    private const int TargetProcesses = 1200;
    private static readonly TimeSpan s_idle = TimeSpan.FromSeconds(60);
    private static readonly double s_tick = 100.0; // USER_HZ

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Shell.RepositoryRoot;
        var current = Path.Combine(root, "src/Server/bin/Release/net10.0/Dashboard.Server.dll");
        var servers = new List<(string Name, string Dll)>();
        if (args.Length > 1)
        {
            servers.Add(("baseline", Path.GetFullPath(args[1])));
        }

        servers.Add(("events", current));
        foreach (var (_, dll) in servers)
        {
            if (!File.Exists(dll))
            {
                Console.Error.WriteLine($"{dll} is missing: build it with -c Release.");
                return 2;
            }
        }

        Cleanup();
        for (var n = 0; n < Networks; n++)
        {
            await Shell.RunAsync("docker", "network", "create", "--label", Label, $"{Prefix}net{n}");
        }

        // Sleepers in unshared namespaces bring the host to the process count of the issue's figures.
        var missing = Math.Max(0, TargetProcesses + 50 - ProcessCount() - Load);
        using var fleet = SleeperFleet.Start(groups: Math.Max(1, missing / 25), perGroup: 25, TimeSpan.FromMinutes(2));
        Console.WriteLine($"host: {Environment.ProcessorCount} cores, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, " +
            $"{ProcessCount()} processes before the containers, load {File.ReadAllText("/proc/loadavg").Trim()}");
        var results = new List<Result>();
        try
        {
            foreach (var (name, dll) in servers)
            {
                results.Add(await MeasureAsync(name, dll));
            }
        }
        finally
        {
            Cleanup();
        }

        Print(results);
        return 0;
    }

    private sealed class Result
    {
        public required string Name { get; init; }
        public double BurstConvergedMs { get; set; }
        public double BurstStartSeconds { get; set; }
        public double BurstCpuPercent { get; set; }
        public int Processes { get; set; }
        public int Namespaces { get; set; }
        public List<double> CurlNamespaces { get; } = [];
        public List<double> CurlNamespacesWall { get; } = [];
        public List<double> CurlContainers { get; } = [];
        public List<double> Lsns { get; } = [];
        public List<double> Fresh { get; } = [];
        public double? LastFullScanMs { get; set; }
        public double IdleCpuPercent { get; set; }
        public long IdleRssMiB { get; set; }
        public long PeakRssMiB { get; set; }
        public Dictionary<string, List<double>> Latency { get; } = [];
        public double RemovalConvergedMs { get; set; }
    }

    private static async Task<Result> MeasureAsync(string name, string dll)
    {
        var result = new Result { Name = name };
        var port = LiveBenchmark.FreePort();
        var dataDir = Directory.CreateTempSubdirectory("dt-bench-ev-").FullName;
        using var server = LiveBenchmark.StartServer(dll, port, dataDir, quiet: true);
        var address = new Uri($"http://127.0.0.1:{port}/");
        try
        {
            await LiveBenchmark.WaitForServerAsync(address, server);
            await using var live = await LiveSubscription.StartAsync(address);
            await Task.Delay(TimeSpan.FromSeconds(5));
            Console.WriteLine($"[{name}] server pid {server.Id}, RSS {LiveBenchmark.Rss(server.Id)} MiB; load {File.ReadAllText("/proc/loadavg").Trim()}");

            // 1. The burst: 200 containers started 16 at a time; converged when the hub holds each running with 8 namespaces.
            var cpu = CpuTicks(server.Id);
            var clock = Stopwatch.StartNew();
            var ids = await StartContainersAsync(0, Burst);
            var started = clock.Elapsed;
            await live.WaitForAsync(l => ids.All(id => l.Containers.TryGetValue(id, out var c) && c.State == "running" && c.Namespaces?.Count == 8), TimeSpan.FromMinutes(5), "the burst");
            result.BurstConvergedMs = (clock.Elapsed - started).TotalMilliseconds;
            result.BurstStartSeconds = started.TotalSeconds;
            result.BurstCpuPercent = 100 * (CpuTicks(server.Id) - cpu) / s_tick / clock.Elapsed.TotalSeconds;
            Console.WriteLine($"[{name}] burst of {Burst}: started in {started.TotalSeconds:0.0} s, converged {result.BurstConvergedMs:0} ms after the last returned, server CPU {result.BurstCpuPercent:0.0} % of a core");

            ids.AddRange(await StartContainersAsync(Burst, Load - Burst));
            await live.WaitForAsync(l => ids.All(id => l.Containers.TryGetValue(id, out var c) && c.State == "running"), TimeSpan.FromMinutes(5), "300 containers");
            await Task.Delay(TimeSpan.FromSeconds(5));

            // 2. REST against lsns, at this load.
            using var http = new HttpClient { BaseAddress = address };
            result.Processes = ProcessCount();
            result.Namespaces = (await http.GetFromJsonAsync<List<NamespaceSummary>>("api/namespaces", DashboardJson.Options))!.Count;
            for (var i = 0; i < Tries; i++)
            {
                var (total, wall) = await CurlAsync(address, "api/namespaces");
                result.CurlNamespaces.Add(total);
                result.CurlNamespacesWall.Add(wall);
                result.CurlContainers.Add((await CurlAsync(address, "api/containers")).Total);
                var lsns = Stopwatch.StartNew();
                await Shell.RunAsync("sh", "-c", "lsns -J >/dev/null");
                result.Lsns.Add(lsns.Elapsed.TotalMilliseconds);
            }

            for (var i = 0; i < 5; i++)
            {
                // The baseline has no ?fresh and ignores it: its every answer waits for a full rescan anyway.
                result.Fresh.Add((await CurlAsync(address, "api/namespaces?fresh=true")).Total);
            }

            var status = await http.GetFromJsonAsync<StatusInfo>("api/status", DashboardJson.Options);
            result.LastFullScanMs = status?.Collection?.LastFullScanMilliseconds;
            Console.WriteLine($"[{name}] {result.Processes} processes, {result.Namespaces} namespaces: curl /api/namespaces p50 {P(result.CurlNamespaces, 0.5):0.0} ms, lsns -J p50 {P(result.Lsns, 0.5):0.0} ms");

            // 3. A minute of idleness at 300 containers.
            await Task.Delay(TimeSpan.FromSeconds(5));
            cpu = CpuTicks(server.Id);
            var idle = Stopwatch.StartNew();
            long peak = 0;
            while (idle.Elapsed < s_idle)
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
                peak = Math.Max(peak, LiveBenchmark.Rss(server.Id));
            }

            result.IdleCpuPercent = 100 * (CpuTicks(server.Id) - cpu) / s_tick / idle.Elapsed.TotalSeconds;
            result.IdleRssMiB = LiveBenchmark.Rss(server.Id);
            result.PeakRssMiB = peak;
            Console.WriteLine($"[{name}] idle {s_idle.TotalSeconds:0} s: CPU {result.IdleCpuPercent:0.00} % of a core, RSS {result.IdleRssMiB} MiB (peak {peak})");

            // 4. Latency of single changes to the hub.
            await LatencyAsync(live, result);

            // 5. Everything removed at once.
            clock.Restart();
            await Shell.RunAsync("sh", "-c", $"docker ps -q --filter label={Label} | xargs -r -P 16 -n 10 docker rm -f >/dev/null");
            var removed = clock.Elapsed;
            await live.WaitForAsync(l => !ids.Any(l.Containers.ContainsKey), TimeSpan.FromMinutes(5), "removal");
            result.RemovalConvergedMs = (clock.Elapsed - removed).TotalMilliseconds;
            Console.WriteLine($"[{name}] removal of {Load}: took {removed.TotalSeconds:0.0} s, hub converged {result.RemovalConvergedMs:0} ms later");
            return result;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            Cleanup(containersOnly: true);
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task LatencyAsync(LiveSubscription live, Result result)
    {
        var sleepers = new List<Process>();
        var netns = new List<string>();
        var containers = new List<string>();
        try
        {
            for (var i = 0; i < Tries; i++)
            {
                // unshare: a process in new net and uts namespaces, returned once it runs in them.
                var psi = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, ArgumentList = { "--net", "--uts", "sh", "-c", "readlink /proc/self/ns/uts; exec sleep 600" } };
                var process = Process.Start(psi)!;
                sleepers.Add(process);
                var uts = ProcParsers.TryParseNamespaceLink((await process.StandardOutput.ReadLineAsync())!, out var link) ? link.Inode : throw new InvalidOperationException("unshare printed no uts link");
                await Measure(result, "unshare --net --uts", live, l => l.Namespaces.ContainsKey((NamespaceType.Uts, uts)));

                var name = $"{Prefix}ns{i}";
                await Shell.RunAsync("ip", "netns", "add", name);
                netns.Add(name);
                var inode = ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{name}")).Out, CultureInfo.InvariantCulture);
                await Measure(result, "ip netns add", live, l => l.NetworkNamespaces.ContainsKey(inode));

                var address = $"10.254.{i}.1/24";
                await Shell.RunAsync("ip", "-n", name, "addr", "add", address, "dev", "lo");
                await Measure(result, "ip -n … addr add", live, l => l.NetworkNamespaces.TryGetValue(inode, out var n) && n.Interfaces.Any(f => f.Addresses.Contains(address)));

                var id = (await Shell.RunAsync("docker", "run", "-d", "--label", Label, "--network", $"{Prefix}net{i % Networks}", "--name", $"{Prefix}lat{i}", DockerScope.Image, "sleep", "1d")).Out;
                containers.Add(id);
                await Measure(result, "docker run -d", live, l => l.Containers.TryGetValue(id, out var c) && c.State == "running" && c.Namespaces?.Count == 8);
            }
        }
        finally
        {
            foreach (var p in sleepers)
            {
                p.Kill();
                p.Dispose();
            }

            foreach (var name in netns)
            {
                await Shell.RunAsync("ip", ["netns", "delete", name], check: false);
            }
        }

        foreach (var (what, values) in result.Latency)
        {
            Console.WriteLine($"[{result.Name}] {what}: p50 {P(values, 0.5):0} ms, p95 {P(values, 0.95):0} ms, max {values.Max():0} ms");
        }
    }

    private static async Task Measure(Result result, string what, LiveSubscription live, Func<LiveSubscription, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        await live.WaitForAsync(condition, TimeSpan.FromSeconds(30), what);
        if (!result.Latency.TryGetValue(what, out var values))
        {
            result.Latency[what] = values = [];
        }

        values.Add(clock.Elapsed.TotalMilliseconds);
    }

    private static async Task<List<string>> StartContainersAsync(int first, int count)
    {
        var ids = new string[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var n = first + i;
            ids[i] = (await Shell.RunAsync("docker", "run", "-d", "--label", Label, "--network", $"{Prefix}net{n % Networks}", "--name", $"{Prefix}c{n}", DockerScope.Image, "sleep", "1d")).Out;
        });
        return [.. ids];
    }

    /// <summary>curl's own time_total (the request, without curl's start) and the wall time of the whole command, in ms.</summary>
    private static async Task<(double Total, double Wall)> CurlAsync(Uri address, string path)
    {
        var clock = Stopwatch.StartNew();
        var run = await Shell.RunAsync("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", new Uri(address, path).ToString());
        var wall = clock.Elapsed.TotalMilliseconds;
        var parts = run.Out.Split(' ');
        if (parts[0] != "200")
        {
            throw new InvalidOperationException($"GET {path}: HTTP {parts[0]}");
        }

        return (double.Parse(parts[1], CultureInfo.InvariantCulture) * 1000, wall);
    }

    private static int ProcessCount() => Directory.EnumerateDirectories("/proc").Count(d => Path.GetFileName(d).All(char.IsAsciiDigit));

    private static double CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command.
        return double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static double P(List<double> values, double q) => Stats.Percentile([.. values.Order()], q);

    private static void Print(List<Result> results)
    {
        string Row(string what, Func<Result, string> cell) => $"| {what} | {string.Join(" | ", results.Select(cell))} |";
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine($"| | {string.Join(" | ", results.Select(r => r.Name))} |");
        Console.WriteLine($"|---|{string.Concat(results.Select(_ => "---:|"))}");
        Console.WriteLine(Row("processes / namespaces at the REST runs", r => $"{r.Processes} / {r.Namespaces}"));
        Console.WriteLine(Row("`curl /api/namespaces` p50 / p95 (time_total)", r => string.Create(inv, $"{P(r.CurlNamespaces, 0.5):0.0} / {P(r.CurlNamespaces, 0.95):0.0} ms")));
        Console.WriteLine(Row("`curl /api/namespaces` whole command p50", r => string.Create(inv, $"{P(r.CurlNamespacesWall, 0.5):0.0} ms")));
        Console.WriteLine(Row("`lsns -J` in the same loop p50 / p95", r => string.Create(inv, $"{P(r.Lsns, 0.5):0.0} / {P(r.Lsns, 0.95):0.0} ms")));
        Console.WriteLine(Row("ratio curl (time_total) / lsns, p50", r => string.Create(inv, $"{P(r.CurlNamespaces, 0.5) / P(r.Lsns, 0.5):0.000}×")));
        Console.WriteLine(Row("`curl /api/containers` p50 / p95", r => string.Create(inv, $"{P(r.CurlContainers, 0.5):0.0} / {P(r.CurlContainers, 0.95):0.0} ms")));
        Console.WriteLine(Row("`curl /api/namespaces?fresh=true` p50 (a full rescan)", r => string.Create(inv, $"{P(r.Fresh, 0.5):0} ms")));
        Console.WriteLine(Row("last full rescan as the status reports it", r => r.LastFullScanMs is { } ms ? string.Create(inv, $"{ms:0} ms") : "—"));
        Console.WriteLine(Row($"idle CPU over {s_idle.TotalSeconds:0} s at {Load} containers", r => string.Create(inv, $"{r.IdleCpuPercent:0.00} %")));
        Console.WriteLine(Row("RSS after the idle minute (peak)", r => $"{r.IdleRssMiB} ({r.PeakRssMiB}) MiB"));
        foreach (var what in results[0].Latency.Keys)
        {
            Console.WriteLine(Row($"{what} → hub, p50 / p95 / max ({Tries})", r => r.Latency.TryGetValue(what, out var v) ? string.Create(inv, $"{P(v, 0.5):0} / {P(v, 0.95):0} / {v.Max():0} ms") : "—"));
        }

        Console.WriteLine(Row($"burst of {Burst}: start took", r => string.Create(inv, $"{r.BurstStartSeconds:0.0} s")));
        Console.WriteLine(Row($"burst of {Burst}: hub converged after the last `docker run` returned", r => string.Create(inv, $"{r.BurstConvergedMs:0} ms")));
        Console.WriteLine(Row($"burst of {Burst}: server CPU during it", r => string.Create(inv, $"{r.BurstCpuPercent:0.0} %")));
        Console.WriteLine(Row($"removal of {Load}: hub converged after `docker rm -f` returned", r => string.Create(inv, $"{r.RemovalConvergedMs:0} ms")));
    }

    private static void Cleanup(bool containersOnly = false)
    {
        Shell.RunAsync("sh", ["-c",
            $"docker ps -aq --filter label={Label} | xargs -r -P 8 -n 20 docker rm -f >/dev/null; " +
            (containersOnly ? "" : $"docker network ls -q --filter label={Label} | xargs -r docker network rm >/dev/null; ") +
            $"for n in $(ip netns list | awk '{{print $1}}' | grep '^{Prefix}'); do ip netns delete $n; done"], check: false).GetAwaiter().GetResult();
    }
}
