using System.Diagnostics;
using Dashboard.Server.Collection.Docker;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;
using Dashboard.Server.Configuration;
using Dashboard.Shared.Contracts;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.State;

internal interface IHostStateProvider
{
    /// <summary>A state whose collection began after this call: what a request sees is never older than the request.</summary>
    Task<HostState> GetCurrentAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Collects on demand and coalesces: concurrent requests share one collection, and a request that arrives while
/// an older one runs waits for the next. (The live-update work replaces this with a continuously kept state.)
/// </summary>
internal sealed class HostStateService(
    IDockerSource docker,
    IProcSource proc,
    INetworkSource network,
    TopologyIdentity identity,
    IOptions<DashboardOptions> options) : IHostStateProvider
{
    private readonly Lock _lock = new();
    private HostState? _latest;
    private Task<HostState>? _running;

    public async Task<HostState> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var requestedAt = Stopwatch.GetTimestamp();
        while (true)
        {
            Task<HostState> wait;
            lock (_lock)
            {
                if (_latest is { } latest && latest.StartedAt >= requestedAt)
                {
                    return latest;
                }

                if (_running is null || _running.IsCompleted)
                {
                    _running = CollectAsync(Stopwatch.GetTimestamp());
                }

                wait = _running;
            }

            // The collection is shared, so one caller's cancellation must not cancel it for the others.
            await wait.WaitAsync(cancellationToken);
        }
    }

    private async Task<HostState> CollectAsync(long startedAt)
    {
        // Docker first, then /proc: every container the engine calls running then has its init in the scan.
        var dockerState = await docker.CollectAsync(CancellationToken.None);
        var scan = await Task.Run(proc.Scan);
        // After the scan: it is what knows every network namespace and a way into each.
        var net = await Task.Run(() => network.Collect(scan));
        // Collections run one at a time, so the registry sees the states in the order they were built.
        var generations = identity.Observe(scan.Namespaces.Keys.Where(k => k.Type == NamespaceType.Net).Select(k => k.Inode));
        var state = HostStateBuilder.Build(scan, dockerState, options.Value.DockerEndpoint, startedAt, net, generations);
        lock (_lock)
        {
            if (_latest is null || _latest.StartedAt < state.StartedAt)
            {
                _latest = state;
            }
        }

        return state;
    }
}
