using System.Diagnostics;
using Dashboard.Client.Services;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Dashboard.Client.Live;

/// <summary>
/// The browser's one connection to the live hub. Connects once, subscribes, applies every item to <see cref="Store"/>,
/// and subscribes again whenever the stream ends, breaks, skips a version or comes from a new server run. The
/// connection reconnects by itself; when that gives up it is started again, forever, with a backoff. Not live for
/// less than <see cref="LiveRetryDelays.DisconnectedAfter"/>, it is Reconnecting (Connecting before it was ever
/// live); longer, Disconnected.
/// </summary>
public sealed partial class LiveDashboard : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ILogger<LiveDashboard> _logger;
    private readonly CancellationTokenSource _stop = new();
    // Released whenever the client's own reconnect ends one way or the other, so the loop can look again.
    private readonly SemaphoreSlim _connectionEvent = new(0);
    private readonly Lock _stateLock = new();
    private Task? _running;
    private bool _wasLive;
    private long _notLiveSince = Stopwatch.GetTimestamp();

    public LiveDashboard(Uri hubUrl, ILogger<LiveDashboard> logger, Action<HttpConnectionOptions>? configure = null)
    {
        _logger = logger;
        _connection = new HubConnectionBuilder()
            .WithUrl(hubUrl, o => configure?.Invoke(o))
            .WithAutomaticReconnect(LiveRetryDelays.Reconnect)
            .AddJsonProtocol(o =>
            {
                o.PayloadSerializerOptions.PropertyNamingPolicy = DashboardJson.Options.PropertyNamingPolicy;
                // The generated readers: the snapshot of a big host is megabytes, and reflection is slow in the browser.
                o.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, DashboardJsonContext.Default);
            })
            .Build();
        _connection.Reconnecting += _ =>
        {
            // The stream died with the connection: the data is no longer followed, even before the subscription's loop
            // notices and detaches too. Otherwise a page could read Reconnecting beside data still called current.
            Store.Detach();
            SetNotLive();
            return Task.CompletedTask;
        };
        _connection.Reconnected += _ =>
        {
            _connectionEvent.Release();
            return Task.CompletedTask;
        };
        _connection.Closed += _ =>
        {
            Store.Detach();
            SetNotLive();
            _connectionEvent.Release();
            return Task.CompletedTask;
        };
    }

    /// <summary>What the hub said last; stays (then stale) while the connection is being made again.</summary>
    public LiveStore Store { get; } = new();

    public LiveConnectionState State { get; private set; } = LiveConnectionState.Connecting;

    /// <summary>Raised after each applied item, and when <see cref="State"/> changes.</summary>
    public event Action<DashboardChange>? Changed;

    /// <summary>Connects and subscribes in the background; later calls do nothing.</summary>
    public void Start() => _running ??= RunAsync(_stop.Token);

    private async Task RunAsync(CancellationToken stop)
    {
        // Yield first, so Start returns before any connection work and the first page renders without waiting.
        await Task.Yield();
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await ConnectedAsync(stop);
                failures = await SubscribeAsync(stop) ? 0 : failures + 1;
                Store.Detach();
                SetNotLive();
                // A stream that keeps failing before its first item must not turn into a busy loop.
                await Task.Delay(LiveRetryDelays.After(failures), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Returns once the connection is up: starts it when closed, waits while the client reconnects by itself.</summary>
    private async Task ConnectedAsync(CancellationToken stop)
    {
        var attempts = 0;
        while (true)
        {
            switch (_connection.State)
            {
                case HubConnectionState.Connected:
                    return;
                case HubConnectionState.Disconnected:
                    try
                    {
                        await _connection.StartAsync(stop);
                        LogConnected(_connection.ConnectionId);
                        return;
                    }
                    catch (Exception e) when (!stop.IsCancellationRequested)
                    {
                        LogStartFailed(attempts + 1, e.Message);
                        SetNotLive();
                        await Task.Delay(LiveRetryDelays.After(++attempts), stop);
                    }

                    break;
                default:
                    // Looks again now and then, so a long reconnect turns into Disconnected.
                    await _connectionEvent.WaitAsync(TimeSpan.FromSeconds(5), stop);
                    SetNotLive();
                    break;
            }
        }
    }

    /// <summary>One subscription, until its stream ends or an item cannot be applied; true when anything was applied.</summary>
    private async Task<bool> SubscribeAsync(CancellationToken stop)
    {
        using var subscription = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var applied = false;
        try
        {
            await foreach (var message in _connection.StreamAsync<LiveMessage>(DashboardHubContract.Subscribe, subscription.Token))
            {
                var result = Store.Apply(message);
                if (result.Change is not { } change)
                {
                    LogResubscribing(result.ResubscribeReason);
                    return applied;
                }

                applied = true;
                if (message.Snapshot is not null)
                {
                    _wasLive = true;
                    SetState(LiveConnectionState.Live);
                }

                Raise(change);
            }

            LogStreamEnded("the server ended it");
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            // The stream breaks when the connection is lost or when the server drops a subscriber that fell behind.
            LogStreamEnded(e.Message);
        }
        finally
        {
            // Ends the server's side of the stream too, when it was left early.
            await subscription.CancelAsync();
        }

        return applied;
    }

    private void SetNotLive()
    {
        lock (_stateLock)
        {
            if (State == LiveConnectionState.Live)
            {
                _notLiveSince = Stopwatch.GetTimestamp();
            }
        }

        SetState(Stopwatch.GetElapsedTime(_notLiveSince) >= LiveRetryDelays.DisconnectedAfter ? LiveConnectionState.Disconnected
            : _wasLive ? LiveConnectionState.Reconnecting
            : LiveConnectionState.Connecting);
    }

    private void SetState(LiveConnectionState state)
    {
        // The client's events come on its own threads outside the browser; only a real change is reported.
        lock (_stateLock)
        {
            if (State == state)
            {
                return;
            }

            State = state;
        }

        Raise(DashboardChange.ConnectionOnly);
    }

    private void Raise(DashboardChange change)
    {
        try
        {
            Changed?.Invoke(change);
        }
        catch (Exception e)
        {
            // A page's handler failing must not stop the updates of every other page.
            LogHandlerFailed(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
        _connectionEvent.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Live hub connected ({ConnectionId})")]
    private partial void LogConnected(string? connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live hub not reachable (attempt {Attempt}): {Reason}")]
    private partial void LogStartFailed(int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live stream ended: {Reason}; subscribing again")]
    private partial void LogStreamEnded(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live stream out of step: {Reason}; subscribing again")]
    private partial void LogResubscribing(string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A handler of live changes failed")]
    private partial void LogHandlerFailed(Exception exception);
}
