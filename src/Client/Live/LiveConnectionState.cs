namespace Dashboard.Client.Live;

/// <summary>How the browser's connection to the live hub stands.</summary>
public enum LiveConnectionState
{
    /// <summary>Not live yet: the first connection and subscription are being made.</summary>
    Connecting,
    /// <summary>Subscribed: what is shown follows the host as it changes.</summary>
    Live,
    /// <summary>Was live; the connection or the subscription was lost and is being made again. What is shown may be stale.</summary>
    Reconnecting,
    /// <summary>No connection to the server; retried in the background. What is shown may be stale.</summary>
    Disconnected,
}
