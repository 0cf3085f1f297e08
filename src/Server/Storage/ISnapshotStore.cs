using Dashboard.Server.Configuration;
using Dashboard.Shared.Contracts;

namespace Dashboard.Server.Storage;

/// <summary>What a snapshot is written with: the state and where it stands in the live stream.</summary>
internal sealed record SnapshotRecord(SnapshotState State, SnapshotReason Reason, string Epoch, long Version, DateTimeOffset TakenAt)
{
    /// <summary>
    /// The JSON of every record, part by part as <see cref="Dashboard.Shared.Live.StateParts.All"/> lists them, each
    /// list in the state's order, when the caller has it already, as the live publisher does; null to serialise here.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<byte[]>>? Json { get; init; }
}

/// <summary>
/// The snapshots of the host's isolation, kept in SQLite. Every method may throw
/// <see cref="SnapshotStoreUnavailableException"/> when the file cannot be used; <see cref="Status"/> says why.
/// </summary>
internal interface ISnapshotStore
{
    /// <summary>How the store stands now (cheap: no I/O).</summary>
    StorageStatus Status { get; }

    /// <summary>Opens the file and brings its schema up to date if not done yet; a failure shows in <see cref="Status"/>, it does not throw.</summary>
    Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes one snapshot in one transaction and returns it as listed; nothing of it remains if it fails. What
    /// <paramref name="retention"/> no longer keeps goes in the same transaction.
    /// </summary>
    Task<SnapshotSummary> SaveAsync(SnapshotRecord snapshot, RetentionOptions? retention, CancellationToken cancellationToken);

    /// <summary>Snapshots taken in [<paramref name="from"/>, <paramref name="to"/>], newest first.</summary>
    Task<SnapshotPage> ListAsync(DateTimeOffset? from, DateTimeOffset? to, int limit, int offset, CancellationToken cancellationToken);

    /// <summary>The snapshot and its state; null when there is no such id.</summary>
    Task<SnapshotDetail?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>Removes one snapshot (and whatever content no other snapshot uses); false when there is no such id.</summary>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Removes snapshots older than <paramref name="maxAge"/> before <paramref name="now"/>, then the oldest beyond
    /// <paramref name="maxCount"/>, and content no snapshot uses any more. Returns how many snapshots went.
    /// </summary>
    Task<int> ApplyRetentionAsync(TimeSpan? maxAge, int? maxCount, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The store cannot serve the call: the file is unusable or a write failed. The message is for people.</summary>
internal sealed class SnapshotStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
