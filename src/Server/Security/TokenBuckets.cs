using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace Dashboard.Server.Security;

/// <summary>
/// A token bucket per key that refills when it is asked, not on a timer. The library's partitioned limiter runs a
/// 100 ms heartbeat and a replenishment timer per bucket, waking the process many times a second on an idle host;
/// here nothing runs between requests. Buckets that have refilled are forgotten at the next sweep (at most one per
/// <see cref="SweepInterval"/>, made by a request).
/// </summary>
internal sealed class TokenBuckets<TKey>(int capacity, double tokensPerSecond, TimeProvider time) where TKey : notnull
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, Bucket> _buckets = [];
    private long _lastSweep = time.GetTimestamp();

    /// <summary>Tokens left for <paramref name="key"/> now, fractions included.</summary>
    public double Available(TKey key)
    {
        lock (_lock)
        {
            return _buckets.TryGetValue(key, out var bucket) ? Refilled(bucket, time.GetTimestamp()) : capacity;
        }
    }

    /// <summary>Takes <paramref name="count"/> whole tokens if the bucket holds them; false (and nothing taken) otherwise.</summary>
    public bool TryTake(TKey key, int count = 1)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            Sweep(now);
            var tokens = _buckets.TryGetValue(key, out var bucket) ? Refilled(bucket, now) : capacity;
            if (tokens < count)
            {
                _buckets[key] = new Bucket(tokens, now);
                return false;
            }

            _buckets[key] = new Bucket(tokens - count, now);
            return true;
        }
    }

    /// <summary>How many keys have a bucket that is not full (for tests and diagnostics).</summary>
    public int Tracked
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count;
            }
        }
    }

    private double Refilled(Bucket bucket, long now) =>
        Math.Min(capacity, bucket.Tokens + (time.GetElapsedTime(bucket.At, now).TotalSeconds * tokensPerSecond));

    private void Sweep(long now)
    {
        if (time.GetElapsedTime(_lastSweep, now) < SweepInterval)
        {
            return;
        }

        _lastSweep = now;
        foreach (var (key, bucket) in _buckets)
        {
            if (Refilled(bucket, now) >= capacity)
            {
                _buckets.Remove(key);
            }
        }
    }

    private readonly record struct Bucket(double Tokens, long At);
}

/// <summary>
/// <see cref="TokenBuckets{TKey}"/> as the rate-limiting middleware's global limiter: requests that <paramref name="key"/>
/// gives no key for are not limited. No queue: a request is let through or refused at once.
/// </summary>
internal sealed class TokenBucketLimiter<TResource>(TokenBuckets<string> buckets, Func<TResource, string?> key)
    : PartitionedRateLimiter<TResource>
{
    public override RateLimiterStatistics? GetStatistics(TResource resource) => key(resource) is { } k
        ? new RateLimiterStatistics { CurrentAvailablePermits = (long)Math.Floor(buckets.Available(k)) }
        : null;

    protected override RateLimitLease AttemptAcquireCore(TResource resource, int permitCount) =>
        key(resource) is not { } k || buckets.TryTake(k, permitCount) ? Lease.Acquired : Lease.Refused;

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(TResource resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true);
        public static readonly Lease Refused = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, [NotNullWhen(true)] out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
