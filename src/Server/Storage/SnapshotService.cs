using Dashboard.Server.Configuration;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Storage;

/// <summary>
/// Takes the snapshots: one at start, one every <c>Dashboard:SnapshotInterval</c>, one after containers, namespaces or
/// the topology changed and settled (<c>Dashboard:SnapshotDebounce</c>), and one whenever asked. It follows the live
/// stream like any subscriber, so a snapshot is the published state at one version. Retention runs with each write,
/// in its transaction.
/// A store that fails is reported by its status and retried; the live dashboard goes on either way.
/// </summary>
internal sealed partial class SnapshotService(
    ISnapshotStore store,
    LivePublisher publisher,
    IHostStateProvider stateProvider,
    IOptions<DashboardOptions> options,
    TimeProvider time,
    ILogger<SnapshotService> logger) : BackgroundService
{
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Lock _lock = new();
    private readonly SnapshotSchedule _schedule = new(options.Value.SnapshotInterval, options.Value.SnapshotDebounce);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SnapshotState? _lastWritten;

    /// <summary>Takes a snapshot of the state as it is now (fresh from the host, not the last periodic scan).</summary>
    public async Task<SnapshotSummary> TakeNowAsync(CancellationToken cancellationToken)
    {
        var fresh = await stateProvider.GetFreshAsync(cancellationToken);
        return await WriteAsync(SnapshotReason.Manual, await publisher.CurrentAsync(fresh.State, cancellationToken), cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await store.OpenAsync(stoppingToken);
        var follow = FollowChangesAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Task wake;
                (DateTimeOffset At, SnapshotReason Reason) next;
                lock (_lock)
                {
                    wake = _wake.Task;
                    next = _schedule.Next();
                }

                var wait = next.At - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    // Woken early by a change (which may move the due time) or by the timer.
                    await Task.WhenAny(wake, Task.Delay(wait, time, stoppingToken));
                    stoppingToken.ThrowIfCancellationRequested();
                    continue;
                }

                await TakeDueAsync(next.Reason, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await follow;
    }

    private async Task TakeDueAsync(SnapshotReason reason, CancellationToken stoppingToken)
    {
        if (publisher.Current() is not { } current)
        {
            // Nothing published yet: wait for the first state.
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, stoppingToken);
            return;
        }

        var state = SnapshotStates.From(current.Snapshot);
        if (reason == SnapshotReason.Change && _lastWritten is { } last && !SnapshotDiffer.Differ(last, state))
        {
            lock (_lock)
            {
                _schedule.Dismissed(time.GetUtcNow());
            }

            return;
        }

        try
        {
            await WriteAsync(reason, current, stoppingToken);
        }
        catch (SnapshotStoreUnavailableException)
        {
            // The store logged it and reports it in its status; the schedule retries later.
        }
    }

    private async Task<SnapshotSummary> WriteAsync(SnapshotReason reason, PublishedState published, CancellationToken cancellationToken)
    {
        var state = SnapshotStates.From(published.Snapshot);
        var version = published.Version;
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            SnapshotSummary summary;
            try
            {
                // The live diff serialised every record already; the store hashes those bytes instead of making its own.
                var record = new SnapshotRecord(state, reason, publisher.Epoch, version, now) { Json = published.Records.SnapshotParts() };
                // Retention in the same transaction: the list never holds more than its limit, even for a moment.
                summary = await store.SaveAsync(record, options.Value.Retention, cancellationToken);
            }
            catch (SnapshotStoreUnavailableException)
            {
                lock (_lock)
                {
                    _schedule.Failed(now);
                }

                throw;
            }

            lock (_lock)
            {
                _schedule.Taken(now);
                _lastWritten = state;
            }

            LogTaken(summary.Id, reason, version, summary.ContainerCount, summary.NamespaceCount);
            return summary;
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Notes every published change; resubscribes when the stream ends (a slow reader is dropped like any client).</summary>
    private async Task FollowChangesAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var message in publisher.SubscribeAsync(stoppingToken))
                {
                    if (message.Changes is { } changes && Recorded(changes))
                    {
                        lock (_lock)
                        {
                            _schedule.Changed(time.GetUtcNow());
                            _wake.TrySetResult();
                            _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (LiveSubscriberTooSlowException)
            {
                // Subscribe again; the schedule already knows something changed.
            }
        }
    }

    /// <summary>Whether a change touches what snapshots record (status and the derived report alone do not).</summary>
    internal static bool Recorded(LiveChanges c) => StateParts.All.Any(part => part.ChangeCount(c) > 0);

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot {Id} taken ({Reason}) at live version {Version}: {Containers} containers, {Namespaces} namespaces")]
    private partial void LogTaken(long id, SnapshotReason reason, long version, int containers, int namespaces);
}

/// <summary>Pure: the part of the live state a snapshot keeps.</summary>
internal static class SnapshotStates
{
    public static SnapshotState From(LiveSnapshot snapshot) => StateParts.ToSnapshotState(snapshot);
}
