using Microsoft.AspNetCore.SignalR.Client;

namespace Dashboard.Client.Live;

/// <summary>
/// How long to wait before the next attempt to reach the hub: at once, then backing off to every 10 s, and never
/// giving up, since a dashboard left open should come back by itself when the server does.
/// </summary>
public sealed class LiveRetryDelays : IRetryPolicy
{
    private static readonly TimeSpan[] Delays =
        [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    /// <summary>The wait before attempt number <paramref name="previousAttempts"/> + 1.</summary>
    public static TimeSpan After(long previousAttempts) => Delays[(int)Math.Clamp(previousAttempts, 0, Delays.Length - 1)];

    public TimeSpan? NextRetryDelay(RetryContext retryContext) => After(retryContext.PreviousRetryCount);
}
