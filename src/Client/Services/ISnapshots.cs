using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Services;

/// <summary>
/// The stored snapshots, as the pages use them: through the REST API in the browser (<see cref="SnapshotsClient"/>),
/// from the store itself where the page runs on the server. Failures throw <see cref="ApiProblemException"/> with the
/// status and words the REST API would answer (404 for a snapshot that is gone, 503 when the store cannot be used).
/// </summary>
public interface ISnapshots
{
    /// <summary>One page of snapshots taken in [<paramref name="from"/>, <paramref name="to"/>], newest first.</summary>
    Task<SnapshotPage> ListAsync(DateTimeOffset? from, DateTimeOffset? to, int limit, int offset, CancellationToken cancellationToken = default);

    Task<SnapshotDetail> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>What changed from snapshot <paramref name="id"/> to snapshot <paramref name="otherId"/>.</summary>
    Task<SnapshotDiff> DiffAsync(long id, long otherId, CancellationToken cancellationToken = default);

    /// <summary>Takes a snapshot of the host as it is now.</summary>
    Task<SnapshotSummary> TakeAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes a snapshot; false when there was none with this id (already removed, by someone or by retention).</summary>
    Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default);
}
