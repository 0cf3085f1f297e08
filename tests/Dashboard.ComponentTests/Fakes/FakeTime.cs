namespace Dashboard.ComponentTests.Fakes;

/// <summary>A clock that stands still at <see cref="Now"/>, in UTC, so that times and "ago" texts are the same on every machine.</summary>
public sealed class FakeTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
}
