using BenchmarkDotNet.Running;
using Dashboard.Bench;

// The scan reads other processes' ns links, fds and mountinfo, and the fleet needs unshare: as anyone else the
// figures would describe a scan that skips most of the host.
if (!Environment.IsPrivilegedProcess)
{
    Console.Error.WriteLine("Dashboard.Bench must run as root (it scans every process and creates namespaces); try sudo.");
    return 2;
}

try
{
    if (args is ["live", ..])
    {
        return await LiveBenchmark.RunAsync();
    }

    if (args is ["--breakdown", ..])
    {
        return await TopologyBreakdown.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
    }

    var summaries = BenchmarkSwitcher.FromAssembly(typeof(DiscoveryBenchmarks).Assembly).Run(args);
    var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
    return failed ? 1 : 0;
}
finally
{
    // The benchmarks run in child processes; if one of them crashed before its cleanup, its sleepers are still here.
    var leftovers = SleeperFleet.KillLeftovers(TimeSpan.FromSeconds(30));
    if (leftovers > 0)
    {
        Console.Error.WriteLine($"Killed {leftovers} sleeper processes a benchmark run left behind.");
    }

    // Likewise for the topology benchmark's containers and networks.
    var removed = TopologyBenchmarks.TryRemoveLeftovers();
    if (removed > 0)
    {
        Console.Error.WriteLine($"Removed {removed} bench containers and networks a benchmark run left behind.");
    }
}
