namespace Dashboard.Shared.Live;

/// <summary>
/// The live hub's contract, used by name on both sides: the server maps <see cref="Path"/> to a hub implementing
/// <see cref="IDashboardHub"/>, and the client streams <see cref="Subscribe"/> from it.
/// </summary>
public static class DashboardHubContract
{
    /// <summary>Where the hub is mapped, relative to the site root.</summary>
    public const string Path = "/hubs/dashboard";

    /// <summary>
    /// The streaming method: the first item carries a <see cref="LiveSnapshot"/>, every later one a
    /// <see cref="LiveChanges"/> whose version range follows on from the item before.
    /// </summary>
    public const string Subscribe = nameof(IDashboardHub.Subscribe);
}

/// <summary>What a client may call on the hub.</summary>
public interface IDashboardHub
{
    /// <summary>The current state, then every change to it, until the caller stops reading or falls too far behind.</summary>
    IAsyncEnumerable<LiveMessage> Subscribe(CancellationToken cancellationToken);
}
