using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Dashboard.Server.Collection.Proc;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Bench;

/// <summary>
/// A full discovery scan in-process against <c>lsns -J</c> run as a whole process (fork, exec, its own /proc walk,
/// JSON out, exit), which is what a user would otherwise run to see the same host.
/// </summary>
[MemoryDiagnoser]
// The host's load comes in bursts here, so the median is the steadier figure to quote.
[MedianColumn]
// Few iterations: every benchmark case is hundreds of milliseconds of real /proc work on a small machine, and the
// spread between runs comes from the host's load far more than from sampling.
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class DiscoveryBenchmarks
{
    private const int ProcessesPerGroup = 10;

    private SleeperFleet? _fleet;
    private ProcScanner _scanner = null!;

    /// <summary>Sleeping processes added on top of what the host runs anyway.</summary>
    [Params(0, 1000)]
    public int ExtraProcesses { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var leftovers = SleeperFleet.KillLeftovers(TimeSpan.FromSeconds(30));
        if (leftovers > 0)
        {
            Console.WriteLine($"// killed {leftovers} sleepers left over from an earlier run");
        }

        if (ExtraProcesses > 0)
        {
            _fleet = SleeperFleet.Start(ExtraProcesses / ProcessesPerGroup, ProcessesPerGroup, TimeSpan.FromSeconds(60));
        }

        // For Describe only: the benchmarks make a new scanner per operation (see Scan).
        _scanner = new ProcScanner("/proc", NullLogger.Instance);
        Describe();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _fleet?.Dispose();
        _fleet = null;
    }

    [Benchmark(Baseline = true)]
    public int LsnsJson()
    {
        var start = new ProcessStartInfo("lsns", "-J")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };
        using var lsns = Process.Start(start) ?? throw new InvalidOperationException("could not start lsns");
        var json = lsns.StandardOutput.ReadToEnd();
        lsns.WaitForExit();
        if (lsns.ExitCode != 0)
        {
            throw new InvalidOperationException($"lsns -J exited with {lsns.ExitCode}");
        }

        return json.Length;
    }

    // Returned as object because ProcScan is internal and benchmark methods must be public; returning it at all keeps
    // the result observable.
    // A new scanner each time: a kept one rescans incrementally (RescanBenchmarks measures that), and the comparison
    // with lsns is about discovering the host from nothing, as the server's first scan does.
    [Benchmark]
    public object Scan() => new ProcScanner("/proc", NullLogger.Instance).Scan();

    [Benchmark]
    public object ScanWithoutFds() => new ProcScanner("/proc", NullLogger.Instance) { ScanOpenDescriptors = false }.Scan();

    /// <summary>
    /// Prints what the host looks like for this case, into BenchmarkDotNet's log, so that the figures can be read
    /// against it; also a check that both sides see the fleet.
    /// </summary>
    private void Describe()
    {
        var scan = _scanner.Scan();
        var threads = 0;
        var descriptors = 0;
        foreach (var process in scan.Processes)
        {
            threads += CountEntries($"/proc/{process.Pid}/task");
            descriptors += CountEntries($"/proc/{process.Pid}/fd");
        }

        using var lsns = JsonDocument.Parse(RunLsns());
        var lsnsNamespaces = Flatten(lsns.RootElement.GetProperty("namespaces")).ToList();
        var byType = scan.Namespaces.Keys.GroupBy(k => k.Type).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        var lsnsByType = lsnsNamespaces.GroupBy(n => n.GetProperty("type").GetString()).Select(g => $"{g.Key} {g.Count()}");

        Console.WriteLine(
            $"// host with {ExtraProcesses} extra: {scan.Processes.Count} processes ({scan.UnreadableProcessCount} unreadable), " +
            $"{threads} threads, {descriptors} open fds; scan finds {scan.Namespaces.Count} namespaces ({string.Join(", ", byType)}), " +
            $"lsns -J lists {lsnsNamespaces.Count} ({string.Join(", ", lsnsByType)}); load {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    // lsns nests pid and user namespaces under their parents in "children", so the top level undercounts them.
    private static IEnumerable<JsonElement> Flatten(JsonElement namespaces)
    {
        foreach (var ns in namespaces.EnumerateArray())
        {
            yield return ns;
            if (ns.TryGetProperty("children", out var children))
            {
                foreach (var child in Flatten(children))
                {
                    yield return child;
                }
            }
        }
    }

    private static string RunLsns()
    {
        using var lsns = Process.Start(new ProcessStartInfo("lsns", "-J") { RedirectStandardOutput = true })!;
        var json = lsns.StandardOutput.ReadToEnd();
        lsns.WaitForExit();
        return json;
    }

    private static int CountEntries(string dir)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(dir).Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
