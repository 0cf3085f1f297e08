using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Dashboard.Bench;

// The scan reads other processes' ns links, fds and mountinfo, and the fleet needs unshare: as anyone else the
// figures would describe a scan that skips most of the host.
if (!Environment.IsPrivilegedProcess)
{
    Console.Error.WriteLine("Dashboard.Bench must run as root (it scans every process and creates namespaces); try sudo.");
    return 2;
}

List<Summary>? summaries = null;
try
{
    if (args is ["live", ..])
    {
        return await LiveBenchmark.RunAsync();
    }

    if (args is ["events", ..])
    {
        return await EventsBenchmark.RunAsync(args);
    }

    if (args is ["firstpaint", ..])
    {
        return await FirstPaintBenchmark.RunAsync(args);
    }

    if (args is ["snapshots", ..])
    {
        int[] sizes = args.Length > 1 ? [.. args[1..].Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture))] : [50, 500];
        return await SnapshotBenchmark.RunAsync(sizes);
    }

    if (args is ["--breakdown", ..])
    {
        return await TopologyBreakdown.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20);
    }

    summaries = [.. BenchmarkSwitcher.FromAssembly(typeof(DiscoveryBenchmarks).Assembly).Run(args)];
    var failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
    return failed ? 1 : 0;
}
finally
{
    // The benchmarks run in child processes; if one of them crashed before its cleanup, what it made is still here.
    // Swept only for the benchmarks that ran (all of them if the run itself failed), so that a run of one kind does
    // not remove what a run of the other kind, going on beside it, is using.
    var ran = summaries?.SelectMany(s => s.BenchmarksCases).Select(c => c.Descriptor.Type).ToHashSet();
    if (ran is null || ran.Contains(typeof(DiscoveryBenchmarks)) || ran.Contains(typeof(RescanBenchmarks)))
    {
        var leftovers = SleeperFleet.KillLeftovers(TimeSpan.FromSeconds(30));
        if (leftovers > 0)
        {
            Console.Error.WriteLine($"Killed {leftovers} sleeper processes a benchmark run left behind.");
        }
    }

    if (ran is null || ran.Contains(typeof(TopologyBenchmarks)))
    {
        var removed = TopologyBenchmarks.TryRemoveLeftovers();
        if (removed > 0)
        {
            Console.Error.WriteLine($"Removed {removed} bench containers and networks a benchmark run left behind.");
        }
    }
}
