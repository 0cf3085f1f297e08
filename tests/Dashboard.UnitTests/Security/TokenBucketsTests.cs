using Dashboard.Server.Security;

namespace Dashboard.UnitTests.Security;

public sealed class TokenBucketsTests
{
    [Fact]
    public void AFullBucketGivesItsCapacityThenRefusesWithoutTakingAnything()
    {
        var time = new SteppedTime();
        var buckets = new TokenBuckets<string>(3, 1, time);
        Assert.True(buckets.TryTake("a"));
        Assert.True(buckets.TryTake("a", 2));
        Assert.False(buckets.TryTake("a"));
        Assert.Equal(0, buckets.Available("a"), 6);
        // Another key has a bucket of its own.
        Assert.True(buckets.TryTake("b", 3));
    }

    [Fact]
    public void ItRefillsAtItsRateUpToItsCapacityOnlyWhenAsked()
    {
        var time = new SteppedTime();
        var buckets = new TokenBuckets<string>(4, 2, time);
        Assert.True(buckets.TryTake("a", 4));
        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(0.5, buckets.Available("a"), 6);
        Assert.False(buckets.TryTake("a"));
        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.True(buckets.TryTake("a"));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(4, buckets.Available("a"), 6);
        Assert.False(buckets.TryTake("a", 5));
    }

    [Fact]
    public void RefilledBucketsAreForgottenAtTheNextSweep()
    {
        var time = new SteppedTime();
        var buckets = new TokenBuckets<string>(10, 100, time);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(buckets.TryTake($"client{i}"));
        }

        Assert.Equal(50, buckets.Tracked);
        time.Advance(TokenBuckets<string>.SweepInterval);
        Assert.True(buckets.TryTake("late"));
        Assert.Equal(1, buckets.Tracked);
    }

    [Fact]
    public void TheMiddlewaresLimiterLetsUnkeyedResourcesThrough()
    {
        var limiter = new TokenBucketLimiter<string>(new TokenBuckets<string>(1, 0.001, new SteppedTime()), r => r.StartsWith("/api", StringComparison.Ordinal) ? "client" : null);
        Assert.True(limiter.AttemptAcquire("/api/a").IsAcquired);
        Assert.False(limiter.AttemptAcquire("/api/b").IsAcquired);
        Assert.True(limiter.AttemptAcquire("/index.html").IsAcquired);
        Assert.Equal(0, limiter.GetStatistics("/api/c")!.CurrentAvailablePermits);
        Assert.Null(limiter.GetStatistics("/index.html"));
    }

    /// <summary>A monotonic clock that moves only when told.</summary>
    private sealed class SteppedTime : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
