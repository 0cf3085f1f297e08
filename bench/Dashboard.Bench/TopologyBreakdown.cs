using System.Diagnostics;
using System.Globalization;
using Dashboard.Server.Collection.Docker;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;
using Dashboard.Server.Configuration;
using Dashboard.Server.State;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.Bench;

/// <summary>
/// Where the time of one topology discovery goes, by stopwatch, on the same fleet as <see cref="TopologyBenchmarks"/>:
/// the /proc scan, entering each namespace alone, each namespace's three dumps, the collector as a whole (dumps,
/// netnsid questions, /proc/&lt;pid&gt;/net), the Docker collection, and building the state and graph. Not a
/// BenchmarkDotNet run: a profile to decide what to make faster, run with <c>--breakdown [rounds]</c>.
/// </summary>
internal static class TopologyBreakdown
{
    public static async Task<int> RunAsync(int rounds)
    {
        TopologyBenchmarks.RemoveLeftovers();
        try
        {
            TopologyBenchmarks.CreateFleet();
            var scanner = new ProcScanner("/proc", NullLogger.Instance);
            var phaseLog = new PhaseLog();
            var collector = new NetworkCollector(phaseLog);
            var reader = new NetnsReader();
            using var docker = new DockerCollector(Options.Create(new DashboardOptions()), NullLogger<DockerCollector>.Instance);
            var identity = new TopologyIdentity();

            // Insertion order is the order of the printed table.
            var phases = new Dictionary<string, List<double>>();
            void Add(string phase, double ms) => (phases.TryGetValue(phase, out var list) ? list : phases[phase] = []).Add(ms);

            Console.WriteLine($"// load before: {File.ReadAllText("/proc/loadavg").Trim()}");
            for (var round = -3; round < rounds; round++)
            {
                var scanTime = Stopwatch.StartNew();
                var scan = scanner.Scan();
                scanTime.Stop();
                var paths = TopologyBenchmarks.PickPaths(scan);

                var switchOnly = Stopwatch.StartNew();
                foreach (var path in paths)
                {
                    NsIoctl.Close(NetnsSwitchThread.OpenSocketIn(path, out _));
                }

                switchOnly.Stop();
                var reads = Stopwatch.StartNew();
                foreach (var path in paths)
                {
                    reader.TryRead(path, out _);
                }

                reads.Stop();
                var sockets = Stopwatch.StartNew();
                foreach (var pid in scan.Processes.Where(p => p.Namespaces.ContainsKey(Shared.Contracts.NamespaceType.Net))
                    .GroupBy(p => p.Namespaces[Shared.Contracts.NamespaceType.Net]).Select(g => g.Min(p => p.Pid)))
                {
                    foreach (var file in (string[])["tcp", "tcp6", "udp", "udp6"])
                    {
                        try
                        {
                            File.ReadAllText($"/proc/{pid}/net/{file}");
                        }
                        catch (IOException)
                        {
                            // The process exited: as the collector, skip it.
                        }
                    }
                }

                sockets.Stop();
                var collect = Stopwatch.StartNew();
                var net = collector.Collect(scan);
                collect.Stop();
                var dockerTime = Stopwatch.StartNew();
                var dockerState = await docker.CollectAsync(CancellationToken.None);
                dockerTime.Stop();
                var build = Stopwatch.StartNew();
                var generations = identity.Observe(scan.Namespaces.Keys.Where(k => k.Type == Shared.Contracts.NamespaceType.Net).Select(k => k.Inode));
                var state = HostStateBuilder.Build(scan, dockerState, "", 0, net, generations);
                build.Stop();
                var graph = Stopwatch.StartNew();
                TopologyBuilder.Build(state.Containers, state.Networks, state.NetworkNamespaceList, generations);
                graph.Stop();
                var ip = Stopwatch.StartNew();
                foreach (var path in paths)
                {
                    TopologyBenchmarks.RunIpAddr(path);
                }

                ip.Stop();
                if (round < 0)
                {
                    continue; // warm-up: JIT, caches, the switch thread's start
                }

                Add("ProcScanner.Scan", scanTime.Elapsed.TotalMilliseconds);
                Add("enter each netns (socket only)", switchOnly.Elapsed.TotalMilliseconds);
                Add("NetnsReader.TryRead each netns (enter + dumps)", reads.Elapsed.TotalMilliseconds);
                Add("read /proc/<pid>/net/{tcp,tcp6,udp,udp6} per netns", sockets.Elapsed.TotalMilliseconds);
                Add("NetworkCollector.Collect", collect.Elapsed.TotalMilliseconds);
                foreach (var (phase, ms) in phaseLog.Last)
                {
                    Add($"  of which {phase} (collector's log)", ms);
                }

                Add("Docker collection", dockerTime.Elapsed.TotalMilliseconds);
                Add("HostStateBuilder.Build", build.Elapsed.TotalMilliseconds);
                Add("  of which TopologyBuilder.Build", graph.Elapsed.TotalMilliseconds);
                Add("baseline: nsenter ip -j addr per netns", ip.Elapsed.TotalMilliseconds);
                if (round == 0)
                {
                    Console.WriteLine($"// {paths.Length} network namespaces, {state.Containers.Count} containers, {state.Topology.Nodes.Count} nodes");
                }
            }

            Console.WriteLine($"// load after: {File.ReadAllText("/proc/loadavg").Trim()}");
            Console.WriteLine($"| Phase ({rounds} rounds) | median ms | min ms | max ms |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (phase, times) in phases)
            {
                var sorted = times.Order().ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {phase} | {sorted[sorted.Count / 2]:0.0} | {sorted[0]:0.0} | {sorted[^1]:0.0} |"));
            }

            return 0;
        }
        finally
        {
            TopologyBenchmarks.RemoveLeftovers();
        }
    }

    /// <summary>Keeps the phase timings the collector logs at Debug level, by the names of their placeholders.</summary>
    private sealed class PhaseLog : ILogger<NetworkCollector>
    {
        public List<(string Phase, double Ms)> Last { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is not IReadOnlyList<KeyValuePair<string, object?>> values || !values.Any(v => v.Key == "Pairing"))
            {
                return;
            }

            Last.Clear();
            foreach (var (key, value) in values)
            {
                if (value is double ms)
                {
                    Last.Add((key, ms));
                }
            }
        }
    }
}
