using Dashboard.Shared.Model;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Dashboard.Shared.Contracts;

namespace Dashboard.Bench;

/// <summary>
/// The reachability report has a pair per two running containers. <see cref="PerClass"/> is the builder as shipped
/// (one answer per two classes of like containers, then a record per pair); <see cref="PerPair"/> is the baseline, the
/// same rules worked out for every pair as the builder did before; <see cref="SerialisePairs"/> is what the live diff
/// used to add at every refresh on top (each pair serialised to compare it with the last state's).
/// </summary>
/// <remarks>
/// Pure and in memory: containers on the default bridge only (every pair on one network, the worst case for the
/// report's size), or spread over five user networks. Inputs are made here, shaped as the API gives them.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class ReachabilityBenchmarks
{
    private IReadOnlyList<ContainerInfo> _containers = [];
    private IReadOnlyList<DockerNetworkInfo> _networks = [];
    private const ulong HostNetns = 4026531840;

    [Params(50, 300)]
    public int Containers { get; set; }

    [Params(1, 5)]
    public int Networks { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _networks = [.. Enumerable.Range(0, Networks).Select(i => new DockerNetworkInfo
        {
            Id = $"{i:x2}{new string('a', 62)}", Name = Networks == 1 ? "bridge" : $"net{i}", Driver = "bridge", Internal = false,
            EnableIcc = true, Subnets = [$"172.{17 + i}.0.0/16"], Gateways = [$"172.{17 + i}.0.1"], BridgeInterface = $"br-{i:x2}aaaaaaaaaa", Containers = [],
        })];
        _containers = [.. Enumerable.Range(0, Containers).Select(i =>
        {
            var network = _networks[i % Networks];
            return new ContainerInfo
            {
                Id = $"{i:x8}{new string('c', 56)}", Name = $"c{i:d4}", Image = "busybox", State = "running", Pid = 1000 + i,
                Created = DateTimeOffset.UnixEpoch, Labels = new Dictionary<string, string>(),
                HostConfig = new ContainerHostConfig { NetworkMode = network.Name, Privileged = false, CapAdd = [] }, Mounts = [],
                Networks = [new ContainerEndpoint { Network = network.Name, NetworkId = network.Id, IPv4Address = $"172.{17 + i % Networks}.{i / 250}.{i % 250 + 2}/16" }],
                Namespaces = new Dictionary<NamespaceType, ContainerNamespace>
                {
                    [NamespaceType.Net] = new() { Inode = 4026532000 + (ulong)i, Sharing = Sharing.Private, SharedWith = [] },
                },
            };
        })];

        // Both ways give the same report, or the comparison means nothing.
        var shipped = PerClass().Pairs;
        var baseline = PerPair().Pairs;
        if (shipped.Count != baseline.Count || shipped.Zip(baseline).Any(p =>
                p.First.A != p.Second.A || p.First.B != p.Second.B || p.First.Reachable != p.Second.Reachable
                || p.First.Reason != p.Second.Reason || !p.First.Networks.SequenceEqual(p.Second.Networks)))
        {
            throw new InvalidOperationException("the per-pair baseline and the builder disagree");
        }
    }

    [Benchmark]
    public ReachabilityReport PerClass() => ReachabilityBuilder.Build(_containers, _networks, HostNetns);

    [Benchmark(Baseline = true)]
    public ReachabilityReport PerPair()
    {
        var byId = _networks.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var running = _containers
            .Where(c => c.Namespaces?.ContainsKey(NamespaceType.Net) == true)
            .OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => (Ref: new ContainerRef { Id = c.Id, Name = c.Name }, Netns: c.Namespaces![NamespaceType.Net].Inode,
                Networks: c.Networks.Select(e => byId[e.NetworkId!]).Where(n => n.Driver is not ("host" or "null")).DistinctBy(n => n.Id).ToList()))
            .ToList();
        var pairs = new List<ReachabilityPair>();
        for (var i = 0; i < running.Count; i++)
        {
            for (var j = i + 1; j < running.Count; j++)
            {
                var (a, b) = (running[i], running[j]);
                var shared = a.Networks.Where(n => b.Networks.Any(m => m.Id == n.Id)).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
                var names = shared.Select(n => n.Name).ToList();
                var (reachable, reason) = a.Netns == b.Netns ? (true, a.Netns == HostNetns ? "both use the host's network namespace" : "same network namespace")
                    : shared.FirstOrDefault(n => n.EnableIcc) is { } open ? (true, $"same Docker network {open.Name}")
                    : shared.Count > 0 ? (false, $"inter-container communication is off on {string.Join(", ", names)}")
                    : (false, "no common network");
                pairs.Add(new ReachabilityPair { A = a.Ref, B = b.Ref, Reachable = reachable, Reason = reason, Networks = names });
            }
        }

        return new ReachabilityReport { Pairs = pairs };
    }

    [Benchmark]
    public int SerialisePairs()
    {
        var bytes = 0;
        foreach (var pair in PerClass().Pairs)
        {
            bytes += JsonSerializer.SerializeToUtf8Bytes(pair, DashboardJson.Options).Length;
        }

        return bytes;
    }
}
