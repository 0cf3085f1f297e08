namespace Dashboard.Client.Live;

/// <summary>
/// When to try the hub again. The client's own reconnect makes the first attempts, at once and then backing off;
/// when it gives up, <see cref="LiveDashboard"/> keeps starting the connection on the same schedule, ending at every
/// 10 s, forever, since a dashboard left open should come back by itself when the server does.
/// </summary>
public static class LiveRetryDelays
{
    /// <summary>The client's automatic reconnect: about 40 s of attempts.</summary>
    public static readonly TimeSpan[] Reconnect =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10),
    ];

    /// <summary>Lost for longer than this, the connection counts as down rather than coming back.</summary>
    public static readonly TimeSpan DisconnectedAfter = TimeSpan.FromSeconds(45);

    /// <summary>The wait before attempt number <paramref name="previousAttempts"/> + 1 of starting the connection again.</summary>
    public static TimeSpan After(long previousAttempts) => Reconnect[(int)Math.Clamp(previousAttempts, 0, Reconnect.Length - 1)];
}
