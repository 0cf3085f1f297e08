using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Dashboard.Shared.Model;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Testing;

/// <summary>
/// A hub client for tests, independent of the UI's: subscribes, checks that versions follow on, applies every batch to
/// plain dictionaries, and lets a test wait until what it holds satisfies a condition.
/// </summary>
public sealed class LiveSubscription : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(Func<LiveSubscription, bool> Condition, TaskCompletionSource Done)> _waiters = [];
    private Task? _reading;

    private LiveSubscription(HubConnection connection) => _connection = connection;

    public string? Epoch { get; private set; }
    public long Version { get; private set; }
    /// <summary>Snapshots received (1 unless the stream was restarted).</summary>
    public int Snapshots { get; private set; }
    /// <summary>Change batches received.</summary>
    public int Batches { get; private set; }
    /// <summary>A batch whose versions did not follow on from what was held; must stay empty.</summary>
    public List<string> Gaps { get; } = [];
    public StatusInfo? Status { get; private set; }
    public Dictionary<string, ContainerInfo> Containers { get; } = new(StringComparer.Ordinal);
    public Dictionary<(NamespaceType, ulong), NamespaceSummary> Namespaces { get; } = [];
    public Dictionary<string, DockerNetworkInfo> Networks { get; } = new(StringComparer.Ordinal);
    public Dictionary<ulong, NetnsInfo> NetworkNamespaces { get; } = [];
    public Dictionary<string, TopologyNode> TopologyNodes { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TopologyEdge> TopologyEdges { get; } = new(StringComparer.Ordinal);
    /// <summary>
    /// The reachability report's pairs by the two containers' ids, worked out from what is held as the browser's
    /// store does (the stream does not carry the report).
    /// </summary>
    public Dictionary<(string A, string B), ReachabilityPair> ReachabilityPairs =>
        ReachabilityBuilder.Build([.. Containers.Values], [.. Networks.Values], NetworkNamespaces.Values)
            .Pairs.ToDictionary(p => (p.A.Id, p.B.Id));
    /// <summary>When each container id was first seen running with its namespaces (for latency measurements).</summary>
    public Dictionary<string, DateTimeOffset> FirstRunningAt { get; } = new(StringComparer.Ordinal);
    /// <summary>The error that ended the stream, if it ended.</summary>
    public Exception? Ended { get; private set; }

    /// <summary>Subscribes through an in-process test server.</summary>
    public static Task<LiveSubscription> StartAsync(TestServer server) =>
        StartAsync(new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, DashboardHubContract.Path.TrimStart('/')), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.WebSocketFactory = async (context, ct) => await server.CreateWebSocketClient().ConnectAsync(context.Uri, ct);
            }));

    /// <summary>Subscribes over a real socket.</summary>
    public static Task<LiveSubscription> StartAsync(Uri baseAddress) =>
        StartAsync(new HubConnectionBuilder().WithUrl(new Uri(baseAddress, DashboardHubContract.Path.TrimStart('/'))));

    /// <summary>Subscribes to <paramref name="hubUrl"/> (which may carry <c>?access_token=</c>) with the given connection options.</summary>
    public static Task<LiveSubscription> StartAsync(Uri hubUrl, Action<HttpConnectionOptions> configure) =>
        StartAsync(new HubConnectionBuilder().WithUrl(hubUrl, configure));

    private static async Task<LiveSubscription> StartAsync(IHubConnectionBuilder builder)
    {
        var connection = builder
            .AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = DashboardJson.Options.PropertyNamingPolicy)
            .Build();
        var subscription = new LiveSubscription(connection);
        await connection.StartAsync();
        subscription._reading = subscription.ReadAsync();
        await subscription.WaitForAsync(s => s.Snapshots > 0, TimeSpan.FromSeconds(30), "the first snapshot");
        return subscription;
    }

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var message in _connection.StreamAsync<LiveMessage>(DashboardHubContract.Subscribe, _stop.Token))
            {
                lock (_lock)
                {
                    Apply(message);
                    for (var i = _waiters.Count - 1; i >= 0; i--)
                    {
                        if (_waiters[i].Condition(this))
                        {
                            _waiters[i].Done.TrySetResult();
                            _waiters.RemoveAt(i);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Ended = e;
        }
    }

    private void Apply(LiveMessage message)
    {
        if (message.Snapshot is { } snapshot)
        {
            Snapshots++;
            Clear();
            Status = snapshot.Status;
            foreach (var c in snapshot.Containers) Containers[c.Id] = c;
            foreach (var n in snapshot.Namespaces) Namespaces[(n.Type, n.Inode)] = n;
            foreach (var n in snapshot.Networks) Networks[n.Id] = n;
            foreach (var n in snapshot.NetworkNamespaces) NetworkNamespaces[n.Inode] = n;
            foreach (var n in snapshot.Topology.Nodes) TopologyNodes[n.Id] = n;
            foreach (var e in snapshot.Topology.Edges) TopologyEdges[e.Id] = e;
        }
        else if (message.Changes is { } changes)
        {
            Batches++;
            if (message.Epoch != Epoch || message.FromVersion != Version + 1 || message.ToVersion < message.FromVersion)
            {
                Gaps.Add($"held {Epoch}/{Version}, got {message.Epoch}/{message.FromVersion}..{message.ToVersion}");
            }

            Status = changes.Status ?? Status;
            foreach (var c in changes.ContainersUpserted) Containers[c.Id] = c;
            foreach (var id in changes.ContainersRemoved) Containers.Remove(id);
            foreach (var n in changes.NamespacesUpserted) Namespaces[(n.Type, n.Inode)] = n;
            foreach (var k in changes.NamespacesRemoved) Namespaces.Remove((k.Type, k.Inode));
            foreach (var n in changes.NetworksUpserted) Networks[n.Id] = n;
            foreach (var id in changes.NetworksRemoved) Networks.Remove(id);
            foreach (var n in changes.NetworkNamespacesUpserted) NetworkNamespaces[n.Inode] = n;
            foreach (var inode in changes.NetworkNamespacesRemoved) NetworkNamespaces.Remove(inode);
            foreach (var n in changes.TopologyNodesUpserted) TopologyNodes[n.Id] = n;
            foreach (var id in changes.TopologyNodesRemoved) TopologyNodes.Remove(id);
            foreach (var e in changes.TopologyEdgesUpserted) TopologyEdges[e.Id] = e;
            foreach (var id in changes.TopologyEdgesRemoved) TopologyEdges.Remove(id);
        }

        Epoch = message.Epoch;
        Version = message.ToVersion;
        var now = DateTimeOffset.UtcNow;
        foreach (var c in Containers.Values)
        {
            if (c.State == "running" && c.Namespaces?.Count == NamespaceTypes.All.Count)
            {
                FirstRunningAt.TryAdd(c.Id, now);
            }
        }
    }

    private void Clear()
    {
        Containers.Clear();
        Namespaces.Clear();
        Networks.Clear();
        NetworkNamespaces.Clear();
        TopologyNodes.Clear();
        TopologyEdges.Clear();
    }

    /// <summary>Waits until <paramref name="condition"/> holds over what has been applied; fails the test with <paramref name="what"/> otherwise.</summary>
    public async Task WaitForAsync(Func<LiveSubscription, bool> condition, TimeSpan timeout, string what)
    {
        TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (condition(this))
            {
                return;
            }

            _waiters.Add((condition, done));
        }

        try
        {
            await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited {timeout} for {what}; held version {Version} after {Batches} batches; stream ended: {Ended?.Message ?? "no"}");
        }
    }

    /// <summary>Reads something of what is held under the lock the reader applies with.</summary>
    public T Read<T>(Func<LiveSubscription, T> read)
    {
        lock (_lock)
        {
            return read(this);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reading is not null)
        {
            await _reading;
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
    }
}
