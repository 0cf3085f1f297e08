using Dashboard.Shared.Contracts;

namespace Dashboard.Server.Storage;

/// <summary>
/// Pure: when the next automatic snapshot is due and why. The first one is due at once (startup); then one every
/// <c>interval</c> after the last; and after a change, once things have stayed unchanged for <c>debounce</c> — but no
/// later than <see cref="MaxDelayFactor"/> debounce periods after the first change, so a host that never settles is
/// still recorded. A failed write is retried after <see cref="RetryDelay"/>, not sooner.
/// </summary>
internal sealed class SnapshotSchedule(TimeSpan interval, TimeSpan debounce)
{
    public const int MaxDelayFactor = 6;
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    private DateTimeOffset? _lastTaken;
    private DateTimeOffset? _firstChange;
    private DateTimeOffset? _lastChange;
    private DateTimeOffset? _notBefore;

    /// <summary>Something changed at <paramref name="at"/>.</summary>
    public void Changed(DateTimeOffset at)
    {
        _firstChange ??= at;
        _lastChange = at;
    }

    /// <summary>A snapshot of the state as of <paramref name="at"/> was written: the timer restarts and pending changes are recorded.</summary>
    public void Taken(DateTimeOffset at)
    {
        _lastTaken = at;
        _notBefore = null;
        if (_lastChange <= at)
        {
            (_firstChange, _lastChange) = (null, null);
        }
    }

    /// <summary>A change-driven snapshot was not needed after all (nothing a diff reports had changed).</summary>
    public void Dismissed(DateTimeOffset at)
    {
        if (_lastChange <= at)
        {
            (_firstChange, _lastChange) = (null, null);
        }
    }

    /// <summary>Writing failed at <paramref name="at"/>: whatever was due stays due, from <see cref="RetryDelay"/> on.</summary>
    public void Failed(DateTimeOffset at) => _notBefore = at + RetryDelay;

    /// <summary>When the next snapshot is due and why.</summary>
    public (DateTimeOffset At, SnapshotReason Reason) Next()
    {
        (DateTimeOffset At, SnapshotReason Reason) next;
        if (_lastTaken is not { } last)
        {
            next = (DateTimeOffset.MinValue, SnapshotReason.Startup);
        }
        else
        {
            next = (last + interval, SnapshotReason.Timer);
            if (_firstChange is { } first && _lastChange is { } latest)
            {
                var settled = latest + debounce;
                var latestAllowed = first + debounce * MaxDelayFactor;
                var changeDue = settled < latestAllowed ? settled : latestAllowed;
                if (changeDue <= next.At)
                {
                    next = (changeDue, SnapshotReason.Change);
                }
            }
        }

        return _notBefore is { } notBefore && next.At < notBefore ? (notBefore, next.Reason) : next;
    }
}
