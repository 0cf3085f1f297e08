namespace Dashboard.Server.Collection.Proc;

/// <summary>A full pass over the proc root. Per-process races are absorbed; only an unusable proc root throws.</summary>
internal interface IProcSource
{
    ProcScan Scan();
}

internal sealed class ProcSource(Microsoft.Extensions.Options.IOptions<Configuration.DashboardOptions> options, ILogger<ProcScanner> logger) : IProcSource
{
    private readonly ProcScanner _scanner = new(options.Value.ProcRoot, logger);
    private readonly Lock _lock = new();

    // One scan at a time: the scanner keeps per-scan caches.
    public ProcScan Scan()
    {
        lock (_lock)
        {
            return _scanner.Scan();
        }
    }
}
