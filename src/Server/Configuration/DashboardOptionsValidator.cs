using Dashboard.Server.Authentication;
using Dashboard.Server.Security;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Configuration;

/// <summary>Checks the whole section once at start and reports every problem together.</summary>
internal sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.ProcRoot))
        {
            errors.Add("Dashboard:ProcRoot must name the proc filesystem to scan, e.g. /proc or /host/proc.");
        }
        else if (!Path.IsPathRooted(options.ProcRoot))
        {
            errors.Add($"Dashboard:ProcRoot must be an absolute path; '{options.ProcRoot}' is not.");
        }
        else if (!File.Exists(Path.Combine(options.ProcRoot, "self", "status")) && !Directory.Exists(Path.Combine(options.ProcRoot, "1")))
        {
            errors.Add($"Dashboard:ProcRoot '{options.ProcRoot}' does not look like a proc filesystem (no self/status, no 1/).");
        }

        var endpoints = Collection.Docker.DockerEndpoints.Parse(options.DockerEndpoint, out var invalid);
        if (endpoints.Count == 0 || invalid.Count > 0)
        {
            errors.Add($"Dashboard:DockerEndpoint '{options.DockerEndpoint}' must be an absolute URI with scheme unix, tcp, http or https, e.g. unix:///var/run/docker.sock, or several separated by ';' (tried in order).");
        }

        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            errors.Add("Dashboard:DatabasePath must name a file, e.g. data/dashboard.db.");
        }
        else if (options.DatabasePath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"Dashboard:DatabasePath '{options.DatabasePath}' contains characters that are not allowed in a path.");
        }

        if (options.DockerTimeout <= TimeSpan.Zero || options.DockerTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Dashboard:DockerTimeout must be a TimeSpan between 00:00:00.001 and 00:05:00 (e.g. 00:00:05); got {options.DockerTimeout}.");
        }

        if (options.ScanInterval < TimeSpan.FromMilliseconds(100) || options.ScanInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"Dashboard:ScanInterval must be a TimeSpan between 00:00:00.1 and 01:00:00 (e.g. 00:01:00); got {options.ScanInterval}.");
        }

        if (options.FallbackScanInterval < TimeSpan.FromMilliseconds(100) || options.FallbackScanInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"Dashboard:FallbackScanInterval must be a TimeSpan between 00:00:00.1 and 01:00:00 (e.g. 00:00:02); got {options.FallbackScanInterval}.");
        }

        if (options.LiveSubscriberBuffer is < 1 or > 100_000)
        {
            errors.Add($"Dashboard:LiveSubscriberBuffer must be between 1 and 100000; got {options.LiveSubscriberBuffer}.");
        }

        // Each pass is a full rescan: more often than once a second would keep the host busy for nothing.
        if (options.DescriptorScanInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Dashboard:DescriptorScanInterval must be a TimeSpan of at least 00:00:01 (e.g. 00:01:00); got {options.DescriptorScanInterval}.");
        }

        if (options.SnapshotInterval < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Dashboard:SnapshotInterval must be a TimeSpan of at least 00:00:01 (e.g. 00:05:00); got {options.SnapshotInterval}.");
        }

        if (options.SnapshotDebounce < TimeSpan.Zero || options.SnapshotDebounce > TimeSpan.FromHours(1))
        {
            errors.Add($"Dashboard:SnapshotDebounce must be a TimeSpan between 00:00:00 and 01:00:00 (e.g. 00:00:10); got {options.SnapshotDebounce}.");
        }

        if (options.Retention.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero)
        {
            errors.Add($"Dashboard:Retention:MaxAge must be a positive TimeSpan (e.g. 30.00:00:00), or empty for no limit; got {maxAge}.");
        }

        if (options.Retention.MaxCount is < 1)
        {
            errors.Add($"Dashboard:Retention:MaxCount must be at least 1, or empty for no limit; got {options.Retention.MaxCount}.");
        }

        // Reads the file too, so that a missing or unreadable one stops the start instead of leaving the dashboard locked.
        AccessTokens.ReadConfigured(options, errors);
        if (options.OpenOnLoopback && (!string.IsNullOrEmpty(options.AccessToken) || !string.IsNullOrWhiteSpace(options.AccessTokenFile)))
        {
            // Either would be a mistake to guess at: a token nobody needs, or an open dashboard its owner meant to lock.
            errors.Add("Dashboard:OpenOnLoopback=true and an access token (Dashboard:AccessToken or Dashboard:AccessTokenFile) are both set; set one or the other.");
        }

        AllowedHostList.Parse(options.AllowedHosts, errors);
        TrustedProxies.Parse(options.ForwardedHeaders, errors);

        if (options.RateLimit.Burst is < 1 or > 1_000_000)
        {
            errors.Add($"Dashboard:RateLimit:Burst must be between 1 and 1000000; got {options.RateLimit.Burst}.");
        }

        if (options.RateLimit.RequestsPerSecond is < 1 or > 1_000_000)
        {
            errors.Add($"Dashboard:RateLimit:RequestsPerSecond must be between 1 and 1000000; got {options.RateLimit.RequestsPerSecond}.");
        }

        if (options.RateLimit.FailureBurst is < 1 or > 1_000_000)
        {
            errors.Add($"Dashboard:RateLimit:FailureBurst must be between 1 and 1000000; got {options.RateLimit.FailureBurst}.");
        }

        if (options.RateLimit.FailuresPerMinute is < 1 or > 1_000_000)
        {
            errors.Add($"Dashboard:RateLimit:FailuresPerMinute must be between 1 and 1000000; got {options.RateLimit.FailuresPerMinute}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
