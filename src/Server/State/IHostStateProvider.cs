namespace Dashboard.Server.State;

internal interface IHostStateProvider
{
    /// <summary>
    /// The live state, without a scan: once every event received before this call has been applied (waiting a
    /// bounded time for a refresh already due), so that a request made after a command returned sees its effect.
    /// </summary>
    Task<ServedState> GetCurrentAsync(CancellationToken cancellationToken);

    /// <summary>A state whose full rescan began after this call (shared by the requests that arrive meanwhile).</summary>
    Task<ServedState> GetFreshAsync(CancellationToken cancellationToken);
}

/// <summary>A state as the live stream published it: the epoch and version a client of the hub would hold it at.</summary>
internal sealed record ServedState(HostState State, string Epoch, long Version);
