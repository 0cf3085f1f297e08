namespace Dashboard.Client.Live;

/// <summary>How the browser's connection to the live hub stands.</summary>
public enum LiveConnectionState
{
    /// <summary>Not live yet: the first connection and subscription are being made.</summary>
    Connecting,
    /// <summary>Subscribed: what is shown follows the host as it changes.</summary>
    Live,
    /// <summary>Was live; the connection or the subscription was lost a moment ago and is being made again. What is shown may be stale.</summary>
    Reconnecting,
    /// <summary>Not live for a while (<see cref="LiveRetryDelays.DisconnectedAfter"/>); still retried. What is shown may be stale.</summary>
    Disconnected,
}
