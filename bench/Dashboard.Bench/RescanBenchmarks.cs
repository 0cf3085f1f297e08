using BenchmarkDotNet.Attributes;
using Dashboard.Server.Collection.Proc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Bench;

/// <summary>
/// What a live dashboard pays every few seconds: a rescan by a scanner that keeps what it read, with nothing changed
/// since its previous scan, against a full scan by a scanner that keeps nothing (what every scan cost before scans
/// were incremental), and against the full pass the kept scanner makes every <c>FullPassInterval</c>.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class RescanBenchmarks
{
    private const int ProcessesPerGroup = 10;

    private SleeperFleet? _fleet;
    private ProcScanner _rescanner = null!;
    private ProcScanner _fullPasser = null!;

    /// <summary>Sleeping processes added on top of what the host runs anyway (the fleet of <see cref="DiscoveryBenchmarks"/>).</summary>
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

        // The full pass never falls due by itself here: Rescan measures the scans between passes.
        _rescanner = new ProcScanner("/proc", NullLogger.Instance) { FullPassInterval = TimeSpan.FromDays(1) };
        _fullPasser = new ProcScanner("/proc", NullLogger.Instance) { FullPassInterval = TimeSpan.FromDays(1) };
        _rescanner.Scan();
        _fullPasser.Scan();
        Describe();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_fleet is not null)
        {
            // Another bench run ending beside this one sweeps every marked sleeper: say so rather than quote a smaller host.
            Console.WriteLine($"// at cleanup {SleeperFleet.CountRunning()} of {_fleet.Sleepers} sleepers still ran");
        }

        _fleet?.Dispose();
        _fleet = null;
    }

    // Returned as object because ProcScan is internal and benchmark methods must be public.
    [Benchmark(Baseline = true)]
    public object FullScan() => new ProcScanner("/proc", NullLogger.Instance).Scan();

    [Benchmark]
    public object Rescan() => _rescanner.Scan();

    [Benchmark]
    public object RescanWithDescriptors() => _fullPasser.Scan(forceFullPass: true);

    /// <summary>
    /// Prints the host's size and, from the scanner's own phase log, where a full scan and a rescan spend their time,
    /// into BenchmarkDotNet's log.
    /// </summary>
    private void Describe()
    {
        var logger = new ConsoleDebugLogger();
        var full = new ProcScanner("/proc", logger).Scan();
        var kept = new ProcScanner("/proc", logger) { FullPassInterval = TimeSpan.FromDays(1) };
        kept.Scan();
        kept.Scan();
        var threads = full.Processes.Sum(p => CountEntries($"/proc/{p.Pid}/task"));
        var descriptors = full.Processes.Sum(p => CountEntries($"/proc/{p.Pid}/fd"));
        Console.WriteLine(
            $"// host with {ExtraProcesses} extra: {full.Processes.Count} processes, {threads} threads, {descriptors} open fds, " +
            $"{full.Namespaces.Count} namespaces; load {File.ReadAllText("/proc/loadavg").Trim()}");
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

    private sealed class ConsoleDebugLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            // Only the phase summary: the per-process lines of races are noise here.
            if (message.StartsWith("Scan (", StringComparison.Ordinal))
            {
                Console.WriteLine("// " + message);
            }
        }
    }
}
