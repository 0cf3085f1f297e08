using System.Diagnostics;
using Dashboard.Shared.Contracts;

namespace Dashboard.Server.Collection.Docker;

/// <summary>
/// Keeps the engine's containers and networks between refreshes and follows its events: each event marks what it names
/// as stale and asks for a refresh; a refresh lists (two cheap calls) and inspects only what is new, changed or stale.
/// When the event stream breaks, reconnects with backoff and resynchronises everything.
/// </summary>
internal sealed partial class DockerTracker(DockerCollector docker, ILogger<DockerTracker> logger)
{
    /// <summary>How long after losing the engine it is reported as reconnecting before it counts as unavailable.</summary>
    internal static readonly TimeSpan ReconnectingGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_maxRetry = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HashSet<string> _staleContainers = new(StringComparer.Ordinal);
    private HashSet<string> _staleNetworks = new(StringComparer.Ordinal);
    private bool _resync = true;
    private DockerEngineState _state = DockerEngineState.Unavailable;
    private string? _error = "not connected yet";
    private string? _version;
    private string? _apiVersion;
    private long _lostAt;

    // Only touched by RefreshAsync, which the live loop runs one at a time.
    private readonly Dictionary<string, (string Fingerprint, DockerContainer Container)> _containers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DockerNetwork> _networks = new(StringComparer.Ordinal);

    /// <summary>Raised (on the event thread) whenever something changed on the engine's side: an event, a loss, a reconnect.</summary>
    public event Action? Changed;

    /// <summary>The engine address in use (of those configured, the one that answered at the last connection).</summary>
    public string Endpoint => docker.CurrentEndpoint;

    public DockerEngineState EngineState
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Connects, follows events, and reconnects with backoff until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var retry = s_firstRetry;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var (version, apiVersion) = await docker.GetVersionAsync(stopping);
                DockerEngineState before;
                lock (_lock)
                {
                    before = _state;
                    _state = DockerEngineState.Connected;
                    _error = null;
                    _version = version;
                    _apiVersion = apiVersion;
                    _resync = true;
                }

                LogConnected(version, apiVersion, before);
                _firstAttempt.TrySetResult();
                Changed?.Invoke();
                retry = s_firstRetry;
                await docker.MonitorEventsAsync(OnEvent, stopping);
                if (!stopping.IsCancellationRequested)
                {
                    Lost("the event stream ended");
                }
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                Lost(e is OperationCanceledException ? "no answer in time" : e.GetBaseException().Message);
            }

            if (stopping.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(retry, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, s_maxRetry.Ticks));
        }

        _firstAttempt.TrySetResult();
    }

    private void Lost(string error)
    {
        DockerEngineState before, after;
        lock (_lock)
        {
            before = _state;
            if (before == DockerEngineState.Connected)
            {
                _lostAt = Stopwatch.GetTimestamp();
            }

            _state = before == DockerEngineState.Connected || (before == DockerEngineState.Reconnecting && Stopwatch.GetElapsedTime(_lostAt) < ReconnectingGrace)
                ? DockerEngineState.Reconnecting
                : DockerEngineState.Unavailable;
            after = _state;
            _error = error;
            _resync = true;
        }

        if (before != after)
        {
            LogLost(after, error);
        }

        _firstAttempt.TrySetResult();
        Changed?.Invoke();
    }

    private void OnEvent(DockerEvent e)
    {
        var (container, network) = DockerReconcile.Stale(e);
        lock (_lock)
        {
            if (container is not null)
            {
                _staleContainers.Add(container);
            }

            if (network is not null)
            {
                _staleNetworks.Add(network);
            }
        }

        Changed?.Invoke();
    }

    /// <summary>
    /// The engine's containers and networks now, asking it only for what changed. Waits for the first connection
    /// attempt, so that a server that just started does not call a running engine unavailable. Never throws for
    /// a failing engine.
    /// </summary>
    public async Task<DockerState> RefreshAsync(CancellationToken cancellationToken)
    {
        await _firstAttempt.Task.WaitAsync(cancellationToken);
        HashSet<string> staleContainers, staleNetworks;
        bool resync;
        string? version, apiVersion;
        lock (_lock)
        {
            if (_state != DockerEngineState.Connected)
            {
                if (_state == DockerEngineState.Reconnecting && Stopwatch.GetElapsedTime(_lostAt) >= ReconnectingGrace)
                {
                    _state = DockerEngineState.Unavailable;
                }

                _containers.Clear();
                _networks.Clear();
                return DockerState.Unavailable(_error ?? "unavailable", _state);
            }

            (staleContainers, _staleContainers) = (_staleContainers, new HashSet<string>(StringComparer.Ordinal));
            (staleNetworks, _staleNetworks) = (_staleNetworks, new HashSet<string>(StringComparer.Ordinal));
            (resync, _resync) = (_resync, false);
            (version, apiVersion) = (_version, _apiVersion);
        }

        try
        {
            if (resync)
            {
                _containers.Clear();
                _networks.Clear();
            }

            await ApplyAsync(staleContainers, staleNetworks, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // One slow or failed call on a busy engine must not empty the picture: what was known stays, and what this
            // refresh was to look at is looked at again next time. A lost engine is the event loop's to declare.
            lock (_lock)
            {
                _staleContainers.UnionWith(staleContainers);
                _staleNetworks.UnionWith(staleNetworks);
                _resync |= resync;
            }

            LogRefreshFailed(e is OperationCanceledException ? "no answer in time" : e.GetBaseException().Message);
            if (resync)
            {
                return DockerState.Unavailable(e is OperationCanceledException ? "no answer in time" : e.GetBaseException().Message, DockerEngineState.Reconnecting);
            }
        }

        return new DockerState
        {
            Available = true,
            EngineState = DockerEngineState.Connected,
            Version = version,
            ApiVersion = apiVersion,
            Containers = _containers.Values.Select(c => c.Container).OrderBy(c => c.Id, StringComparer.Ordinal).ToList(),
            Networks = _networks.Values.OrderBy(n => n.Id, StringComparer.Ordinal).ToList(),
        };
    }

    private async Task ApplyAsync(HashSet<string> staleContainers, HashSet<string> staleNetworks, CancellationToken cancellationToken)
    {
        var listing = await docker.ListAsync(cancellationToken);
        var plan = DockerReconcile.Plan(
            _containers.ToDictionary(kv => kv.Key, kv => kv.Value.Fingerprint, StringComparer.Ordinal),
            _containers.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.Container.Endpoints.Select(e => e.NetworkId).OfType<string>().ToList(), StringComparer.Ordinal),
            _networks.Keys.ToHashSet(StringComparer.Ordinal),
            listing,
            staleContainers,
            staleNetworks);

        foreach (var id in plan.RemoveContainers)
        {
            _containers.Remove(id);
        }

        var joined = new HashSet<string>(StringComparer.Ordinal);
        await InspectEachAsync(plan.InspectContainers, docker.InspectContainerAsync, (id, container) =>
        {
            if (container is not null)
            {
                _containers[id] = (listing.Containers[id], container);
                joined.UnionWith(container.Endpoints.Select(e => e.NetworkId).OfType<string>());
            }
            else
            {
                _containers.Remove(id);
            }
        }, cancellationToken);

        foreach (var id in plan.RemoveNetworks)
        {
            _networks.Remove(id);
        }

        var networkIds = plan.InspectNetworks.Concat(joined.Where(listing.NetworkIds.Contains)).Distinct(StringComparer.Ordinal).ToList();
        await InspectEachAsync(networkIds, docker.InspectNetworkAsync, (id, network) =>
        {
            if (network is not null)
            {
                _networks[id] = network;
            }
            else
            {
                _networks.Remove(id);
            }
        }, cancellationToken);
    }

    /// <summary>Inspects a handful at a time (latency hidden, engine not flooded); null means the thing is gone.</summary>
    private static async Task InspectEachAsync<T>(
        IReadOnlyList<string> ids,
        Func<string, CancellationToken, Task<T?>> inspect,
        Action<string, T?> apply,
        CancellationToken cancellationToken) where T : class
    {
        foreach (var chunk in ids.Chunk(8))
        {
            var inspected = await Task.WhenAll(chunk.Select(id => inspect(id, cancellationToken)));
            for (var i = 0; i < chunk.Length; i++)
            {
                apply(chunk[i], inspected[i]);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker engine connected: {Version} (API {ApiVersion}); was {Before}")]
    private partial void LogConnected(string version, string apiVersion, DockerEngineState before);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing from the Docker engine failed ({Error}); keeping what was known and trying again")]
    private partial void LogRefreshFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker engine {State}: {Error}. Namespaces from /proc are still served.")]
    private partial void LogLost(DockerEngineState state, string error);
}
