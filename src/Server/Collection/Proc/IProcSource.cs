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

    /// <param name="forceFullPass">Make this scan a full pass (descriptors read, status and cmdline reread), however recent the last one.</param>
    ProcScan Scan(bool forceFullPass);

    /// <summary>Reads only what <paramref name="delta"/> names, the rest taken from the previous scan.</summary>
    ProcScan Update(ProcDelta delta);
}

internal sealed class ProcSource(Microsoft.Extensions.Options.IOptions<Configuration.DashboardOptions> options, ILogger<ProcScanner> logger) : IProcSource
{
    private readonly ProcScanner _scanner = new(options.Value.ProcRoot, logger)
    {
        // The setting keeps the name users know; it times the whole full pass, descriptors being its costly part.
        FullPassInterval = options.Value.DescriptorScanInterval,
    };

    private readonly Lock _lock = new();

    public ProcScan Scan() => Scan(forceFullPass: false);

    // One scan at a time: the scanner keeps what it read for the next one.
    public ProcScan Scan(bool forceFullPass)
    {
        lock (_lock)
        {
            return _scanner.Scan(forceFullPass);
        }
    }

    public ProcScan Update(ProcDelta delta)
    {
        lock (_lock)
        {
            return _scanner.Update(delta);
        }
    }
}
