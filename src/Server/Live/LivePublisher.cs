using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Dashboard.Server.Configuration;
using Dashboard.Server.State;
using Dashboard.Shared.Live;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Live;

/// <summary>
/// Turns the stream of built states into versioned change batches for the hub's subscribers. States offered faster
/// than <see cref="BatchInterval"/> are coalesced: only the newest is compared with what was last published. Every
/// subscriber has its own bounded queue; one that falls behind by more than it holds is dropped, so a slow client
/// neither slows the others nor grows the server's memory.
/// </summary>
internal sealed partial class LivePublisher(IOptions<DashboardOptions> options, ILogger<LivePublisher> logger)
{
    /// <summary>At most one batch per this interval.</summary>
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();
    // Held while a state is published: by the loop, or by a request that cannot wait for the next batch.
    private readonly Lock _publishing = new();
    private readonly List<Subscriber> _subscribers = [];
    private readonly Channel<bool> _offered = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _firstPublished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HostState? _pending;
    private LiveFingerprints? _published;
    private LiveSnapshot? _snapshot;
    private long _version;
    private long _dropped;
    // Set once the loop ended (the server is stopping): a new subscriber would wait for batches that never come.
    private bool _stopped;

    /// <summary>New at every start of the server: versions of two epochs are unrelated.</summary>
    public string Epoch { get; } = $"{DateTimeOffset.UtcNow:yyyyMMddTHHmmss}-{Guid.NewGuid():N}"[..24];

    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    public int SubscriberCount
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Subscribers dropped for falling behind, since the start.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Hands over a newly built state; it is published within <see cref="BatchInterval"/> unless a newer one replaces it.</summary>
    public void Offer(HostState state)
    {
        lock (_lock)
        {
            if (_pending is null || _pending.StartedAt < state.StartedAt)
            {
                _pending = state;
            }
        }

        _offered.Writer.TryWrite(true);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var lastPublished = 0L;
        try
        {
            while (await _offered.Reader.WaitToReadAsync(stopping))
            {
                _offered.Reader.TryRead(out _);
                var since = Stopwatch.GetElapsedTime(lastPublished);
                if (lastPublished != 0 && since < BatchInterval)
                {
                    await Task.Delay(BatchInterval - since, stopping);
                }

                if (PublishPending())
                {
                    lastPublished = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            Stop();
        }
    }

    /// <summary>
    /// Ends every subscriber's stream and refuses new ones: called as soon as the server starts stopping, since SignalR
    /// closes the hub's connections only once everything has stopped, and until then clients would believe they are live.
    /// </summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Queue.Writer.TryComplete();
            }
        }
    }

    /// <summary>Publishes the state offered last, if any; false when there was none.</summary>
    private bool PublishPending()
    {
        lock (_publishing)
        {
            HostState? state;
            lock (_lock)
            {
                (state, _pending) = (_pending, null);
            }

            if (state is null)
            {
                return false;
            }

            try
            {
                Publish(state);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One state that cannot be compared must not end live updates for everyone: the next one is tried.
                LogPublishFailed(e);
            }

            return true;
        }
    }

    /// <summary>Compares <paramref name="state"/> with what was published last and sends the difference to every subscriber.</summary>
    internal void Publish(HostState state)
    {
        // Serialising is the expensive part and needs no lock but the publishing gate: one publisher at a time.
        var started = Stopwatch.GetTimestamp();
        var now = LiveFingerprints.Of(state);
        var serialised = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            PublishLocked(state, now);
        }

        LogPublished(Stopwatch.GetElapsedTime(started, serialised).TotalMilliseconds, Stopwatch.GetElapsedTime(serialised).TotalMilliseconds, state.Containers.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published: serialising {SerialiseMs:0.0} ms, comparing and sending {DiffMs:0.0} ms, {Containers} containers")]
    private partial void LogPublished(double serialiseMs, double diffMs, int containers);

    /// <summary>Called under the lock.</summary>
    private void PublishLocked(HostState state, LiveFingerprints now)
    {
        if (_published is null)
        {
            _published = now;
            _snapshot = null;
            _firstPublished.TrySetResult();
            return;
        }

        if (_published.State.StartedAt > state.StartedAt)
        {
            return;
        }

        var (changes, count) = LiveDiff.Between(_published, now);
        _published = now;
        _snapshot = null;
        if (count == 0)
        {
            return;
        }

        var message = new LiveMessage
        {
            Epoch = Epoch,
            FromVersion = _version + 1,
            ToVersion = _version + count,
            Changes = changes,
            PublishedAt = DateTimeOffset.UtcNow,
        };
        _version += count;
        for (var i = _subscribers.Count - 1; i >= 0; i--)
        {
            var subscriber = _subscribers[i];
            if (!subscriber.Queue.Writer.TryWrite(message))
            {
                _subscribers.RemoveAt(i);
                subscriber.Queue.Writer.TryComplete(new LiveSubscriberTooSlowException(options.Value.LiveSubscriberBuffer));
                Interlocked.Increment(ref _dropped);
                LogDropped(subscriber.Id, options.Value.LiveSubscriberBuffer);
            }
        }
    }

    /// <summary>
    /// The published state once it is at least as new as <paramref name="state"/>, with the epoch and version it is at;
    /// a newer state may have replaced it meanwhile. A state not yet published is published at once, ahead of the
    /// batch interval: a request is waiting for it. The interval still bounds what the loop sends, and a request only
    /// hastens a state the loop would have sent anyway.
    /// </summary>
    public Task<PublishedState> CurrentAsync(HostState state, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            lock (_lock)
            {
                if (_published is { } current && current.State.StartedAt >= state.StartedAt)
                {
                    _snapshot ??= current.ToSnapshot();
                    return Task.FromResult(new PublishedState(_snapshot, _version, current));
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (attempt > 0)
            {
                // Publishing it failed (logged): the request gets an error rather than waiting for a state that never comes.
                throw new InvalidOperationException("The state could not be published to live subscribers.");
            }

            Offer(state);
            PublishPending();
        }
    }

    /// <summary>The published state and its version; null before the first state was published.</summary>
    public PublishedState? Current()
    {
        lock (_lock)
        {
            if (_published is null)
            {
                return null;
            }

            _snapshot ??= _published.ToSnapshot();
            return new PublishedState(_snapshot, _version, _published);
        }
    }

    /// <summary>The current state first, then every batch, until the caller stops or is dropped (the sequence then throws).</summary>
    public async IAsyncEnumerable<LiveMessage> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await _firstPublished.Task.WaitAsync(cancellationToken);
        var subscriber = new Subscriber(Channel.CreateBounded<LiveMessage>(new BoundedChannelOptions(options.Value.LiveSubscriberBuffer)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        lock (_lock)
        {
            if (_stopped)
            {
                throw new InvalidOperationException("The server is stopping; it publishes no more live states.");
            }

            _snapshot ??= _published!.ToSnapshot();
            subscriber.Queue.Writer.TryWrite(new LiveMessage
            {
                Epoch = Epoch,
                FromVersion = _version,
                ToVersion = _version,
                Snapshot = _snapshot,
                PublishedAt = DateTimeOffset.UtcNow,
            });
            _subscribers.Add(subscriber);
        }

        try
        {
            await foreach (var message in subscriber.Queue.Reader.ReadAllAsync(cancellationToken))
            {
                yield return message;
            }
        }
        finally
        {
            lock (_lock)
            {
                _subscribers.Remove(subscriber);
            }
        }
    }

    private sealed class Subscriber(Channel<LiveMessage> queue)
    {
        private static long s_next;
        public long Id { get; } = Interlocked.Increment(ref s_next);
        public Channel<LiveMessage> Queue { get; } = queue;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing a state to live subscribers failed; waiting for the next one")]
    private partial void LogPublishFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live subscriber {Id} dropped: more than {Buffer} batches behind; it will resubscribe")]
    private partial void LogDropped(long id, int buffer);
}

/// <summary>Ends the stream of a subscriber that fell too far behind; the client subscribes again and gets a fresh snapshot.</summary>
/// <summary>The state as published at <see cref="Version"/>, with the JSON of each record the diff was made from.</summary>
internal sealed record PublishedState(LiveSnapshot Snapshot, long Version, LiveFingerprints Records);

internal sealed class LiveSubscriberTooSlowException(int buffer)
    : Exception($"The subscriber fell more than {buffer} batches behind and was dropped; subscribe again.");
