using System.Collections.Frozen;
using Dashboard.Server.Collection.Docker;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Dashboard.Shared.Model;

namespace Dashboard.Server.State;

/// <summary>Joins a /proc scan with a Docker collection. Pure: the same inputs give the same state.</summary>
internal static class HostStateBuilder
{
    /// <param name="storage">The snapshot store's status, passed through to <see cref="StatusInfo.Storage"/>.</param>
    /// <param name="sources">How the live service learns of changes, passed through to <see cref="StatusInfo.Sources"/>.</param>
    /// <param name="collection">Passed through to <see cref="StatusInfo.Collection"/>.</param>
    /// <param name="netnsGenerations">From <see cref="TopologyIdentity"/>, which the caller feeds once per state; null: all 1.</param>
    public static HostState Build(
        ProcScan scan,
        DockerState docker,
        string dockerEndpoint,
        long startedAt,
        NetworkCollection? network = null,
        IReadOnlyDictionary<ulong, int>? netnsGenerations = null,
        StorageStatus? storage = null,
        EventSourcesStatus? sources = null,
        CollectionStatus? collection = null,
        long eventSequence = 0)
    {
        var containers = BuildContainers(scan, docker);
        var containerOfProcess = AssignProcessesToContainers(scan, containers);
        var processes = scan.Processes.ToFrozenDictionary(p => p.Pid, p => ToProcessInfo(p, containerOfProcess));
        var namespaces = BuildNamespaces(scan, containers);
        var netns = NetnsInfoBuilder.Build(scan, network ?? NetworkCollection.Empty, containers);
        var networks = BuildNetworks(docker);
        // Every part in the order the REST API lists it, which is the order every client shows it in.
        var parts = StateParts.ToSnapshotState(StateParts.InOrder(StatePartLists.Of(new SnapshotState
        {
            Containers = containers,
            Namespaces = [.. namespaces.Values.Select(d => d.ToSummary())],
            Networks = networks,
            NetworkNamespaces = netns,
            // Built with the state, not per request: the graph is the same for every reader of this state.
            Topology = TopologyBuilder.Build(containers, networks, netns, netnsGenerations ?? new Dictionary<ulong, int>()),
        })));

        return new HostState
        {
            Status = new StatusInfo
            {
                Docker = new DockerStatus
                {
                    Available = docker.Available,
                    State = docker.Available ? DockerEngineState.Connected : docker.EngineState,
                    Endpoint = dockerEndpoint,
                    Version = docker.Version,
                    ApiVersion = docker.ApiVersion,
                    Error = docker.Error,
                },
                ProcRoot = scan.ProcRoot,
                ProcessCount = scan.Processes.Count,
                UnreadableProcessCount = scan.UnreadableProcessCount,
                NamespaceCount = namespaces.Count,
                ContainerCount = containers.Count,
                ScannedAt = scan.ScannedAt,
                ScanMilliseconds = Math.Round(scan.Duration.TotalMilliseconds, 2),
                Storage = storage,
                Sources = sources,
                Collection = collection,
            },
            Containers = parts.Containers,
            Networks = parts.Networks,
            Processes = processes,
            Namespaces = namespaces,
            NamespaceList = parts.Namespaces,
            NetworkNamespaceList = parts.NetworkNamespaces,
            NetworkNamespaces = parts.NetworkNamespaces.ToFrozenDictionary(n => n.Inode),
            Topology = parts.Topology,
            StartedAt = startedAt,
            EventSequence = eventSequence,
        };
    }

    internal static IReadOnlyList<DockerNetworkInfo> BuildNetworks(DockerState docker) => docker.Networks
        .OrderBy(n => n.Name, StringComparer.Ordinal)
        .Select(n => new DockerNetworkInfo
        {
            Id = n.Id,
            Name = n.Name,
            Driver = n.Driver,
            Internal = n.Internal,
            // The engine's default is on; only an explicit "false" turns it off.
            EnableIcc = !(n.Options.TryGetValue("com.docker.network.bridge.enable_icc", out var icc) && bool.TryParse(icc, out var on) && !on),
            Subnets = n.Subnets,
            Gateways = n.Gateways,
            BridgeInterface = n.BridgeInterface,
            Containers = n.Members.Select(m => new NetworkMember
            {
                Id = m.ContainerId,
                Name = m.Name,
                IPv4Address = m.IPv4Address,
                IPv6Address = m.IPv6Address,
                MacAddress = m.MacAddress,
            }).ToList(),
        })
        .ToList();

    /// <summary>
    /// Sharing is decided from the inodes, not from HostConfig: the host's initial namespace wins, then any other
    /// container with the same inode, else private.
    /// </summary>
    internal static IReadOnlyList<ContainerInfo> BuildContainers(ProcScan scan, DockerState docker)
    {
        var processes = scan.Processes.ToDictionary(p => p.Pid);
        var nsOf = new Dictionary<string, IReadOnlyDictionary<NamespaceType, ulong>>();
        foreach (var c in docker.Containers)
        {
            if (c.Pid is { } pid && processes.TryGetValue(pid, out var p) && p.Namespaces.Count == NamespaceTypes.All.Count)
            {
                nsOf[c.Id] = p.Namespaces;
            }
        }

        var byInode = new Dictionary<NamespaceKey, List<ContainerRef>>();
        foreach (var c in docker.Containers)
        {
            if (!nsOf.TryGetValue(c.Id, out var ns))
            {
                continue;
            }

            foreach (var (type, inode) in ns)
            {
                var key = new NamespaceKey(type, inode);
                if (!byInode.TryGetValue(key, out var refs))
                {
                    byInode[key] = refs = [];
                }

                refs.Add(new ContainerRef { Id = c.Id, Name = c.Name });
            }
        }

        return docker.Containers
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => new ContainerInfo
            {
                Id = c.Id,
                Name = c.Name,
                Image = c.Image,
                State = c.State,
                Pid = c.Pid,
                Created = c.Created,
                Labels = c.Labels,
                HostConfig = c.HostConfig,
                Mounts = c.Mounts,
                Networks = c.Endpoints,
                Namespaces = nsOf.TryGetValue(c.Id, out var ns)
                    ? NamespacesOf(c.Id, ns, scan.InitialNamespaces, byInode)
                    : null,
            })
            .ToList();
    }

    private static IReadOnlyDictionary<NamespaceType, ContainerNamespace> NamespacesOf(
        string id,
        IReadOnlyDictionary<NamespaceType, ulong> ns,
        IReadOnlyDictionary<NamespaceType, ulong> initial,
        Dictionary<NamespaceKey, List<ContainerRef>> byInode)
    {
        var result = new Dictionary<NamespaceType, ContainerNamespace>();
        foreach (var type in NamespaceTypes.All)
        {
            var inode = ns[type];
            var isHost = initial.TryGetValue(type, out var init) && init == inode;
            // The host's namespaces hold most containers: naming them all in each of them would make every container's
            // record grow with the host's size (and change whenever any container comes or goes). The namespace's own
            // record lists them instead.
            var others = isHost
                ? []
                : byInode[new NamespaceKey(type, inode)].Where(r => r.Id != id).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
            var sharing = isHost ? Sharing.Host
                : others.Count > 0 ? Sharing.Shared
                : Sharing.Private;
            result[type] = new ContainerNamespace { Inode = inode, Sharing = sharing, SharedWith = others };
        }

        return result;
    }

    /// <summary>
    /// A process belongs to the container whose init it descends from; failing that (docker exec children hang off
    /// the shim, not the init) to the container whose private PID namespace it is in.
    /// </summary>
    internal static Dictionary<int, ContainerRef> AssignProcessesToContainers(ProcScan scan, IReadOnlyList<ContainerInfo> containers)
    {
        var byInit = new Dictionary<int, ContainerRef>();
        var byPidNs = new Dictionary<ulong, ContainerRef>();
        foreach (var c in containers)
        {
            if (c.Pid is not { } pid || c.Namespaces is null)
            {
                continue;
            }

            var r = new ContainerRef { Id = c.Id, Name = c.Name };
            byInit[pid] = r;
            var pidNs = c.Namespaces[NamespaceType.Pid];
            if (pidNs.Sharing != Sharing.Host)
            {
                byPidNs.TryAdd(pidNs.Inode, r);
            }
        }

        var parent = scan.Processes.ToDictionary(p => p.Pid, p => p.Ppid);
        var result = new Dictionary<int, ContainerRef>();
        foreach (var p in scan.Processes)
        {
            var cur = p.Pid;
            for (var depth = 0; depth < 256 && cur > 1; depth++)
            {
                if (byInit.TryGetValue(cur, out var owner))
                {
                    result[p.Pid] = owner;
                    break;
                }

                if (!parent.TryGetValue(cur, out cur))
                {
                    break;
                }
            }

            if (!result.ContainsKey(p.Pid) && p.Namespaces.TryGetValue(NamespaceType.Pid, out var ns) && byPidNs.TryGetValue(ns, out var byNs))
            {
                result[p.Pid] = byNs;
            }
        }

        return result;
    }

    private static ProcessInfo ToProcessInfo(ProcessRecord p, Dictionary<int, ContainerRef> containerOf) => new()
    {
        Pid = p.Pid,
        Ppid = p.Ppid,
        NsPids = p.NsPids,
        Command = p.Command,
        Name = p.Name,
        Uid = p.Uid,
        User = p.User,
        StartTime = p.StartTime,
        Namespaces = p.Namespaces,
        Threads = p.Threads.Select(t => new ThreadNamespaces { Tid = t.Tid, Namespaces = t.Namespaces }).ToList(),
        Container = containerOf.GetValueOrDefault(p.Pid),
    };

    internal static Dictionary<NamespaceKey, NamespaceDetail> BuildNamespaces(ProcScan scan, IReadOnlyList<ContainerInfo> containers)
    {
        var members = new Dictionary<NamespaceKey, List<NamespaceMember>>();
        var processCount = new Dictionary<NamespaceKey, int>();
        void Add(NamespaceKey key, NamespaceMember m)
        {
            if (!members.TryGetValue(key, out var list))
            {
                members[key] = list = [];
            }

            list.Add(m);
        }

        foreach (var p in scan.Processes)
        {
            var member = new NamespaceMember
            {
                Pid = p.Pid,
                NsPid = p.NsPids.Count > 0 ? p.NsPids[^1] : p.Pid,
                Ppid = p.Ppid,
                Command = p.Command,
                User = p.User,
            };
            foreach (var (type, inode) in p.Namespaces)
            {
                var key = new NamespaceKey(type, inode);
                Add(key, member);
                processCount[key] = processCount.GetValueOrDefault(key) + 1;
            }

            foreach (var t in p.Threads)
            {
                foreach (var (type, inode) in t.Namespaces)
                {
                    Add(new NamespaceKey(type, inode), member with { Tid = t.Tid });
                }
            }
        }

        var containerNames = new Dictionary<NamespaceKey, List<string>>();
        foreach (var c in containers)
        {
            foreach (var (type, ns) in c.Namespaces ?? new Dictionary<NamespaceType, ContainerNamespace>())
            {
                var key = new NamespaceKey(type, ns.Inode);
                if (!containerNames.TryGetValue(key, out var names))
                {
                    containerNames[key] = names = [];
                }

                names.Add(c.Name);
            }
        }

        var children = NamespaceChildren.Of(scan.Namespaces.Values, ns => ns.Key, ns => ns.OwnerInode, ns => ns.ParentInode);

        var result = new Dictionary<NamespaceKey, NamespaceDetail>();
        foreach (var (key, record) in scan.Namespaces)
        {
            var inNs = members.GetValueOrDefault(key) ?? [];
            inNs.Sort((a, b) => a.Pid != b.Pid ? a.Pid.CompareTo(b.Pid) : (a.Tid ?? 0).CompareTo(b.Tid ?? 0));
            var count = processCount.GetValueOrDefault(key);
            var lowest = inNs.FirstOrDefault(m => m.Tid is null);
            var kids = children[key].ToList();
            var keptAlive = new List<KeptAliveReason>();
            if (count == 0)
            {
                if (inNs.Count > 0) keptAlive.Add(KeptAliveReason.Thread);
                if (record.BindMounts.Count > 0) keptAlive.Add(KeptAliveReason.BindMount);
                if (record.OpenDescriptors.Count > 0) keptAlive.Add(KeptAliveReason.Fd);
                if (kids.Any(k => k.Relation == NamespaceRelation.Owned)) keptAlive.Add(KeptAliveReason.Owner);
                if (kids.Any(k => k.Relation == NamespaceRelation.Child)) keptAlive.Add(KeptAliveReason.Parent);
            }

            result[key] = new NamespaceDetail
            {
                Type = key.Type,
                Inode = key.Inode,
                ProcessCount = count,
                LowestPid = lowest?.Pid,
                Command = lowest?.Command,
                IsInitial = scan.InitialNamespaces.TryGetValue(key.Type, out var init) && init == key.Inode,
                OwnerInode = record.OwnerInode,
                ParentInode = record.ParentInode,
                Containers = containerNames.GetValueOrDefault(key)?.Order(StringComparer.Ordinal).ToList() ?? [],
                BindMounts = record.BindMounts.Order(StringComparer.Ordinal).ToList(),
                OpenDescriptors = record.OpenDescriptors.OrderBy(d => d.Pid).ThenBy(d => d.Fd).ToList(),
                Hidden = count == 0,
                KeptAliveBy = keptAlive,
                Processes = inNs,
                UidMap = record.UidMap,
                GidMap = record.GidMap,
                Children = kids,
            };
        }

        return result;
    }
}
