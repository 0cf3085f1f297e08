using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Microsoft.Extensions.Logging.Abstractions;
// The benchmark method is named after the collector, as the issue names it; the alias keeps the type reachable.
using Collector = Dashboard.Server.Collection.Net.NetworkCollector;

namespace Dashboard.Bench;

/// <summary>
/// Reading the network topology of 50 containers on 5 Docker networks in-process, against running
/// <c>nsenter --net=&lt;path&gt; ip -j addr</c> once per network namespace, which is what a script would do to see the
/// same interfaces and addresses.
/// </summary>
[MemoryDiagnoser]
// The host's load comes in bursts here, so the median is the steadier figure to quote.
[MedianColumn]
// Few iterations: the baseline starts some fifty processes per operation on a 2-core machine, and the spread comes
// from the host's load far more than from sampling.
[SimpleJob(warmupCount: 3, iterationCount: 12)]
public class TopologyBenchmarks
{
    public const string Label = "dashboard.test=bench";
    private const string Prefix = "dt-bench-";
    private const string Image = "dashboard-test/busybox:1";
    private const int Networks = 5;
    private const int ContainersPerNetwork = 10;

    private ProcScanner _scanner = null!;
    private Collector _collector = null!;
    private ProcScan _scan = null!;
    private string[] _netnsPaths = [];

    [GlobalSetup]
    public void Setup()
    {
        // BenchmarkDotNet runs each case in its own child process; if that process is killed, neither GlobalCleanup
        // nor the parent's sweep may get a say, so the child sweeps on its way out too.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryRemoveLeftovers();
        var removed = RemoveLeftovers();
        if (removed > 0)
        {
            Console.WriteLine($"// removed {removed} containers and networks left over from an earlier run");
        }

        try
        {
            CreateFleet();

            // As the server does: one scanner and one collector kept across collections.
            _scanner = new ProcScanner("/proc", NullLogger.Instance);
            _collector = new Collector(NullLogger<Collector>.Instance);
            _scan = _scanner.Scan();
            _netnsPaths = PickPaths(_scan);
            Describe();
        }
        catch
        {
            RemoveLeftovers();
            throw;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => RemoveLeftovers();

    [Benchmark(Baseline = true)]
    public int IpAddrPerNetns()
    {
        var total = 0;
        foreach (var path in _netnsPaths)
        {
            total += RunIpAddr(path).Length;
        }

        return total;
    }

    // Given the setup's scan, so that this measures the network reading alone; ScanAndCollect adds the scan that
    // finds the namespaces, which the baseline's per-namespace loop is handed for free.
    [Benchmark]
    public object NetworkCollector() => _collector.Collect(_scan);

    [Benchmark]
    public object ScanAndCollect() => _collector.Collect(_scanner.Scan());

    /// <summary>
    /// Removes every container and network carrying <see cref="Label"/>, from this run or an earlier one.
    /// Returns how many were removed.
    /// </summary>
    public static int RemoveLeftovers()
    {
        var removed = 0;
        var containers = Lines(Docker("ps", "-aq", "--filter", $"label={Label}"));
        if (containers.Length > 0)
        {
            Docker(["rm", "-f", .. containers]);
            removed += containers.Length;
        }

        // The engine (20.10 here) may still hold a removed container's endpoint for a moment, more so under load, and
        // then refuses to remove its network: retry for a while rather than leave the network behind.
        var networks = Lines(Docker("network", "ls", "-q", "--filter", $"label={Label}"));
        removed += networks.Length;
        var stopwatch = Stopwatch.StartNew();
        while (networks.Length > 0)
        {
            try
            {
                Docker(["network", "rm", .. networks]);
                break;
            }
            catch (InvalidOperationException e)
            {
                // Seen once here: a network whose containers were all gone kept a stale endpoint that no
                // `network disconnect -f` could name. Say so and go on; the run's own names avoid it.
                if (stopwatch.Elapsed > TimeSpan.FromSeconds(15))
                {
                    Console.Error.WriteLine($"// bench networks not removed: {e.Message}");
                    break;
                }

                Thread.Sleep(500);
                networks = Lines(Docker("network", "ls", "-q", "--filter", $"label={Label}"));
            }
        }

        return removed;
    }

    /// <summary>As <see cref="RemoveLeftovers"/>, for paths that must not throw (exit, a sweep after other benchmarks).</summary>
    public static int TryRemoveLeftovers()
    {
        try
        {
            return RemoveLeftovers();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"Could not sweep bench containers: {e.Message}");
            return 0;
        }
    }

    /// <summary>Creates the 5 networks and 50 containers (callers remove them with <see cref="RemoveLeftovers"/>).</summary>
    internal static void CreateFleet()
    {
        if (Lines(Docker("images", "-q", Image)).Length == 0)
        {
            throw new InvalidOperationException($"image {Image} is missing; build it with scripts/make-test-image.sh");
        }

        // Network names carry the process id, so that a network an earlier run could not remove does not block this one.
        var suffix = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        for (var n = 0; n < Networks; n++)
        {
            Docker("network", "create", "--label", Label, $"{Prefix}net{n}-{suffix}");
        }

        // In parallel: one by one, fifty `docker run`s on two cores take long enough to matter for every case.
        Parallel.For(0, Networks * ContainersPerNetwork, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var network = i / ContainersPerNetwork;
            Docker("run", "-d", "--label", Label, "--name", $"{Prefix}n{network}-c{i % ContainersPerNetwork}",
                "--network", $"{Prefix}net{network}-{suffix}", Image, "sleep", "3600");
        });
    }

    /// <summary>One path per network namespace that still leads to it (PID 1's links refuse even root here).</summary>
    internal static string[] PickPaths(ProcScan scan) => scan.Namespaces.Values
        .Where(n => n.Type == NamespaceType.Net)
        .OrderBy(n => n.Inode)
        .Select(n => n.OpenPaths.FirstOrDefault(p => NsIoctl.Identify(p) == n.Key))
        .OfType<string>()
        .ToArray();

    /// <summary>
    /// Prints what the two sides see into BenchmarkDotNet's log, so that the figures can be read against it; also a
    /// check that the baseline and the collector cover the same namespaces and interfaces.
    /// </summary>
    private void Describe()
    {
        var collection = _collector.Collect(_scan);
        var snapshots = collection.Namespaces.Values.Where(n => n.Snapshot is not null).Select(n => n.Snapshot!).ToList();
        var ipInterfaces = 0;
        foreach (var path in _netnsPaths)
        {
            // Each interface of `ip -j addr` is one object with an "ifindex"; counting keys keeps the check cheap.
            ipInterfaces += CountOccurrences(RunIpAddr(path), "\"ifindex\"");
        }

        var running = Lines(Docker("ps", "-q", "--filter", $"label={Label}")).Length;
        Console.WriteLine(
            $"// {running} bench containers running; scan finds {_scan.Namespaces.Count(kv => kv.Key.Type == NamespaceType.Net)} network namespaces, " +
            $"{_netnsPaths.Length} with a usable path; collector read {snapshots.Count} with {snapshots.Sum(s => s.Interfaces.Count)} interfaces, " +
            $"{snapshots.Sum(s => s.Addresses.Count)} addresses, {collection.Namespaces.Values.Sum(n => n.Sockets.Count)} listening sockets, " +
            $"{collection.VethPeers.Count} veth ends paired; ip -j addr lists {ipInterfaces} interfaces; load {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    internal static string RunIpAddr(string netnsPath)
    {
        var start = new ProcessStartInfo("nsenter")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add($"--net={netnsPath}");
        start.ArgumentList.Add("ip");
        start.ArgumentList.Add("-j");
        start.ArgumentList.Add("addr");
        using var ip = Process.Start(start) ?? throw new InvalidOperationException("could not start nsenter");
        var json = ip.StandardOutput.ReadToEnd();
        ip.WaitForExit();
        if (ip.ExitCode != 0)
        {
            // Other work on the host removes its containers while a case runs; their namespaces are skipped here as
            // the collector skips them. Anything else is a broken baseline.
            if (NsIoctl.Identify(netnsPath) is null)
            {
                return "";
            }

            throw new InvalidOperationException($"nsenter --net={netnsPath} ip -j addr exited with {ip.ExitCode}");
        }

        return json;
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Docker(params string[] args)
    {
        var start = new ProcessStartInfo("docker")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var docker = Process.Start(start) ?? throw new InvalidOperationException("could not start docker");
        var stderr = docker.StandardError.ReadToEndAsync();
        var output = docker.StandardOutput.ReadToEnd();
        docker.WaitForExit();
        if (docker.ExitCode != 0)
        {
            throw new InvalidOperationException(
                string.Create(CultureInfo.InvariantCulture, $"docker {string.Join(' ', args)} exited with {docker.ExitCode}: {stderr.Result.Trim()}"));
        }

        return output;
    }
}
