using Dashboard.Server.Configuration;
using Dashboard.Shared.Contracts;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Collection.Docker;

/// <summary>Reads containers and networks through Docker.DotNet; read-only, and never pins an API version.</summary>
internal sealed partial class DockerCollector : IDisposable
{
    private readonly (Uri Endpoint, DockerClient Client)[] _clients;
    private readonly TimeSpan _timeout;
    private volatile int _current;
    private readonly ILogger<DockerCollector> _logger;
    private bool _lastAvailable = true;

    public DockerCollector(IOptions<DashboardOptions> options, ILogger<DockerCollector> logger)
    {
        _logger = logger;
        _timeout = options.Value.DockerTimeout;
        _clients = [.. DockerEndpoints.Parse(options.Value.DockerEndpoint, out _)
            .Select(uri => (uri, new DockerClientBuilder().WithEndpoint(uri).Build()))];
    }

    /// <summary>The address in use: the one that answered last when several are configured.</summary>
    public string CurrentEndpoint => _clients[_current].Endpoint.OriginalString;

    private DockerClient Client => _clients[_current].Client;

    /// <summary>Everything in one go (the benchmarks' baseline; the live loop refreshes through <see cref="DockerTracker"/>). Never throws for an absent or failing engine: that is an <see cref="DockerState.Unavailable"/> state.</summary>
    public async Task<DockerState> CollectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var ct = timeout.Token;
        try
        {
            var version = await Client.System.GetVersionAsync(ct);
            var listed = await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, ct);
            var containers = await InspectAllAsync(listed.Select(c => c.ID), id => InspectContainerCoreAsync(id, ct));
            var networkList = await Client.Networks.ListNetworksAsync(new NetworksListParameters(), ct);
            // The list leaves Containers empty: only an inspect names the members.
            var networks = await InspectAllAsync(networkList.Select(n => n.ID), id => InspectNetworkCoreAsync(id, ct));

            if (!_lastAvailable)
            {
                LogEngineBack(version.Version, version.APIVersion);
            }

            _lastAvailable = true;
            return new DockerState
            {
                Available = true,
                Version = version.Version,
                ApiVersion = version.APIVersion,
                Containers = containers,
                Networks = networks,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var message = e is OperationCanceledException ? $"no answer within {_timeout}" : e.GetBaseException().Message;
            if (_lastAvailable)
            {
                LogEngineUnavailable(message);
            }

            _lastAvailable = false;
            return DockerState.Unavailable(message);
        }
    }

    /// <summary>
    /// The engine's version, asked of each configured address in order, the first that answers becoming the one in
    /// use (the tracker calls this at every (re)connection); throws (the last address's error) when none answers within the timeout.
    /// </summary>
    public async Task<(string Version, string ApiVersion)> GetVersionAsync(CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var index = 0; index < _clients.Length; index++)
        {
            try
            {
                using var timeout = WithTimeout(cancellationToken);
                var version = await _clients[index].Client.System.GetVersionAsync(timeout.Token);
                _current = index;
                return (version.Version, version.APIVersion);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && _clients.Length > 1)
            {
                last = e;
            }
        }

        throw last!;
    }

    /// <summary>
    /// One cheap look at what exists: every container with a fingerprint of what its list entry shows (state, names,
    /// network endpoints), and every network id. Throws when the engine does not answer.
    /// </summary>
    public async Task<DockerListing> ListAsync(CancellationToken cancellationToken)
    {
        using var timeout = WithTimeout(cancellationToken);
        var containers = await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, timeout.Token);
        var networks = await Client.Networks.ListNetworksAsync(new NetworksListParameters(), timeout.Token);
        return new DockerListing(
            containers.ToDictionary(c => c.ID, Fingerprint, StringComparer.Ordinal),
            networks.Select(n => n.ID).ToList());
    }

    private static string Fingerprint(ContainerListResponse c)
    {
        var endpoints = (c.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>())
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value.EndpointID}/{kv.Value.IPAddress}/{kv.Value.GlobalIPv6Address}");
        return $"{c.State}|{string.Join(',', c.Names ?? [])}|{string.Join(',', endpoints)}";
    }

    /// <summary>One container, or null when it is gone; throws when the engine does not answer.</summary>
    public async Task<DockerContainer?> InspectContainerAsync(string id, CancellationToken cancellationToken)
    {
        using var timeout = WithTimeout(cancellationToken);
        return await InspectContainerCoreAsync(id, timeout.Token);
    }

    /// <summary>One network, or null when it is gone; throws when the engine does not answer.</summary>
    public async Task<DockerNetwork?> InspectNetworkAsync(string id, CancellationToken cancellationToken)
    {
        using var timeout = WithTimeout(cancellationToken);
        return await InspectNetworkCoreAsync(id, timeout.Token);
    }

    /// <summary>
    /// Follows the engine's container and network events until the stream ends (the engine stopped) or
    /// <paramref name="cancellationToken"/> fires. Ending is an exception or a normal return; both mean "reconnect".
    /// </summary>
    public Task MonitorEventsAsync(Action<DockerEvent> onEvent, CancellationToken cancellationToken)
    {
        var parameters = new ContainerEventsParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true, ["network"] = true },
            },
        };
        var progress = new SynchronousProgress(m => onEvent(new DockerEvent(
            m.Type ?? "",
            m.Action ?? "",
            m.Actor?.ID ?? "",
            m.Actor?.Attributes is { } a ? new Dictionary<string, string>(a) : new Dictionary<string, string>())));
        return Client.System.MonitorEventsAsync(parameters, progress, cancellationToken);
    }

    private CancellationTokenSource WithTimeout(CancellationToken cancellationToken)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        return timeout;
    }

    /// <summary>Calls back on the reading thread, in order: <see cref="Progress{T}"/> would post to the thread pool.</summary>
    private sealed class SynchronousProgress(Action<Message> report) : IProgress<Message>
    {
        public void Report(Message value) => report(value);
    }

    private static async Task<IReadOnlyList<T>> InspectAllAsync<T>(IEnumerable<string> ids, Func<string, Task<T?>> inspect) where T : class
    {
        // A handful at a time: enough to hide latency without flooding the engine on a big host.
        var results = new List<T>();
        foreach (var chunk in ids.Chunk(8))
        {
            var done = await Task.WhenAll(chunk.Select(inspect));
            results.AddRange(done.OfType<T>());
        }

        return results;
    }

    private async Task<DockerContainer?> InspectContainerCoreAsync(string id, CancellationToken ct)
    {
        ContainerInspectResponse c;
        try
        {
            c = await Client.Containers.InspectContainerAsync(id, ct);
        }
        catch (DockerContainerNotFoundException)
        {
            return null; // removed between list and inspect
        }

        var host = c.HostConfig;
        return new DockerContainer
        {
            Id = c.ID,
            Name = c.Name.TrimStart('/'),
            Image = c.Config?.Image ?? c.Image,
            State = c.State?.Status ?? "unknown",
            Pid = c.State is { Pid: > 0 } s ? (int)s.Pid : null,
            Created = new DateTimeOffset(DateTime.SpecifyKind(c.Created, DateTimeKind.Utc)),
            Labels = c.Config?.Labels is { } labels ? new Dictionary<string, string>(labels) : new Dictionary<string, string>(),
            HostConfig = new ContainerHostConfig
            {
                NetworkMode = host?.NetworkMode,
                PidMode = host?.PidMode,
                IpcMode = host?.IpcMode,
                UtsMode = host?.UTSMode,
                UsernsMode = host?.UsernsMode,
                CgroupnsMode = host?.CgroupnsMode,
                Privileged = host?.Privileged ?? false,
                CapAdd = host?.CapAdd?.ToList() ?? [],
            },
            Mounts = (c.Mounts ?? []).Select(m => new ContainerMount
            {
                Type = m.Type ?? "unknown",
                Source = string.IsNullOrEmpty(m.Source) ? m.Name : m.Source,
                Destination = m.Destination,
                ReadOnly = !m.RW,
            }).ToList(),
            Endpoints = (c.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>())
                .Select(kv => new ContainerEndpoint
                {
                    Network = kv.Key,
                    NetworkId = kv.Value.NetworkID,
                    IPv4Address = string.IsNullOrEmpty(kv.Value.IPAddress) ? null : $"{kv.Value.IPAddress}/{kv.Value.IPPrefixLen}",
                    IPv6Address = string.IsNullOrEmpty(kv.Value.GlobalIPv6Address) ? null : $"{kv.Value.GlobalIPv6Address}/{kv.Value.GlobalIPv6PrefixLen}",
                    MacAddress = string.IsNullOrEmpty(kv.Value.MacAddress) ? null : kv.Value.MacAddress,
                })
                .OrderBy(e => e.Network, StringComparer.Ordinal)
                .ToList(),
        };
    }

    private async Task<DockerNetwork?> InspectNetworkCoreAsync(string id, CancellationToken ct)
    {
        NetworkResponse n;
        try
        {
            n = await Client.Networks.InspectNetworkAsync(id, ct);
        }
        catch (DockerNetworkNotFoundException)
        {
            return null;
        }

        var options = n.Options is { } o ? new Dictionary<string, string>(o) : new Dictionary<string, string>();
        var ipam = n.IPAM?.Config ?? [];
        return new DockerNetwork
        {
            Id = n.ID,
            Name = n.Name,
            Driver = n.Driver,
            Internal = n.Internal,
            Subnets = ipam.Select(c => c.Subnet).Where(s => !string.IsNullOrEmpty(s)).ToList(),
            Gateways = ipam.Select(c => c.Gateway).Where(s => !string.IsNullOrEmpty(s)).ToList(),
            BridgeInterface = BridgeName(n.Driver, n.ID, options),
            Options = options,
            Members = (n.Containers ?? new Dictionary<string, EndpointResource>())
                .Select(kv => new DockerNetworkMember(
                    kv.Key,
                    kv.Value.Name,
                    NullIfEmpty(kv.Value.IPv4Address),
                    NullIfEmpty(kv.Value.IPv6Address),
                    NullIfEmpty(kv.Value.MacAddress)))
                .OrderBy(m => m.Name, StringComparer.Ordinal)
                .ToList(),
        };
    }

    /// <summary>Docker's naming rule for the Linux bridge of a bridge network.</summary>
    internal static string? BridgeName(string driver, string id, IReadOnlyDictionary<string, string> options)
    {
        if (driver != "bridge")
        {
            return null;
        }

        if (options.TryGetValue("com.docker.network.bridge.name", out var name) && !string.IsNullOrEmpty(name))
        {
            return name;
        }

        return "br-" + id[..Math.Min(12, id.Length)];
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    public void Dispose()
    {
        foreach (var (_, client) in _clients)
        {
            client.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker engine unavailable: {Error}. Namespaces from /proc are still served.")]
    private partial void LogEngineUnavailable(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker engine available again: {Version} (API {ApiVersion})")]
    private partial void LogEngineBack(string version, string apiVersion);
}
