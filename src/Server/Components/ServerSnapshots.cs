using System.Net;
using Dashboard.Client.Services;
using Dashboard.Server.Api;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;

namespace Dashboard.Server.Components;

/// <summary>
/// <see cref="ISnapshots"/> for pages that run on the server (prerendered, or interactive over the circuit): the store
/// itself instead of the REST API, with the API's answers: the same records, the same 404 and 503 problems.
/// </summary>
internal sealed class ServerSnapshots(ISnapshotStore store, SnapshotService snapshots) : ISnapshots
{
    public Task<SnapshotPage> ListAsync(DateTimeOffset? from, DateTimeOffset? to, int limit, int offset, CancellationToken cancellationToken = default) =>
        Guarded(() => store.ListAsync(from, to, Math.Clamp(limit, 1, SnapshotsApi.MaxLimit), Math.Max(offset, 0), cancellationToken));

    public Task<SnapshotDetail> GetAsync(long id, CancellationToken cancellationToken = default) =>
        Guarded(async () => await store.GetAsync(id, cancellationToken) ?? throw Unknown(id));

    public Task<SnapshotDiff> DiffAsync(long id, long otherId, CancellationToken cancellationToken = default) =>
        Guarded(async () =>
        {
            var a = await store.GetAsync(id, cancellationToken) ?? throw Unknown(id);
            var b = await store.GetAsync(otherId, cancellationToken) ?? throw Unknown(otherId);
            return SnapshotDiffer.Between(a.Snapshot, a.State, b.Snapshot, b.State);
        });

    public Task<SnapshotSummary> TakeAsync(CancellationToken cancellationToken = default) =>
        Guarded(() => snapshots.TakeNowAsync(cancellationToken));

    public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default) =>
        Guarded(() => store.DeleteAsync(id, cancellationToken));

    private static ApiProblemException Unknown(long id) =>
        new(HttpStatusCode.NotFound, SnapshotsApi.UnknownSnapshotTitle, SnapshotsApi.UnknownSnapshotDetail(id));

    private static async Task<T> Guarded<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (SnapshotStoreUnavailableException e)
        {
            throw new ApiProblemException(HttpStatusCode.ServiceUnavailable, SnapshotsApi.StoreUnavailableTitle, e.Message);
        }
    }
}
