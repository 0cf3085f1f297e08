namespace Dashboard.Server.Collection.Proc;

/// <summary>
/// Scans the proc root. Per-process races are absorbed; only an unusable proc root throws. Scans are incremental:
/// each costs little when little changed since the previous one, and gives what a fresh full scan would, except for
/// what only a full pass reads again, at most every <c>Dashboard:DescriptorScanInterval</c>: open descriptors and
/// socket owners, and a uid or command line changed without an exec.
/// </summary>
internal interface IProcSource
{
    ProcScan Scan();

    /// <param name="forceDescriptors">Read every open descriptor in this scan, however recent the last descriptor pass.</param>
    ProcScan Scan(bool forceDescriptors);
}

internal sealed class ProcSource(Microsoft.Extensions.Options.IOptions<Configuration.DashboardOptions> options, ILogger<ProcScanner> logger) : IProcSource
{
    private readonly ProcScanner _scanner = new(options.Value.ProcRoot, logger)
    {
        DescriptorScanInterval = options.Value.DescriptorScanInterval,
    };

    private readonly Lock _lock = new();

    public ProcScan Scan() => Scan(forceDescriptors: false);

    // One scan at a time: the scanner keeps what it read for the next one.
    public ProcScan Scan(bool forceDescriptors)
    {
        lock (_lock)
        {
            return _scanner.Scan(forceDescriptors);
        }
    }
}
