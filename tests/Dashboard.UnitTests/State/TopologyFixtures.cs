using Dashboard.Shared.Contracts;

namespace Dashboard.UnitTests.State;

/// <summary>The tutorial's host by hand: web1 and web2 on mynetwork, other on othernet, a host-network container and a joiner.</summary>
internal static class TopologyFixtures
{
    public const ulong Host = 4026531840;
    public const ulong Web1Ns = 4026532300;
    public const ulong Web2Ns = 4026532400;
    public const ulong OtherNs = 4026532500;
    public const ulong HiddenNs = 4026532900;

    public static readonly string MyNetworkId = "a1b2c3d4e5f6" + new string('1', 52);
    public static readonly string OtherNetworkId = "0f0e0d0c0b0a" + new string('2', 52);

    public static NetInterfaceInfo Link(int index, string name, NetInterfaceKind kind, string? master = null, NetPeerRef? peer = null, params string[] addresses) => new()
    {
        Index = index, Name = name, Kind = kind, Mtu = 1500, State = "up", Master = master, Addresses = addresses, Peer = peer,
        Mac = "02:42:ac:12:00:02",
    };

    public static NetnsInfo Netns(ulong inode, IReadOnlyList<ContainerRef> containers, params NetInterfaceInfo[] interfaces) => new()
    {
        Inode = inode, IsInitial = inode == Host, Containers = containers, ProcessCount = containers.Count, BindMounts = [],
        Interfaces = interfaces, DefaultRoutes = [], Sockets = [],
    };

    public static ContainerRef Ref(string name) => new() { Id = Id(name), Name = name };

    public static string Id(string name) => name + new string('0', 64 - name.Length);

    public static ContainerInfo Container(string name, ulong? net, string? mode, params (string Name, string Id)[] networks) => new()
    {
        Id = Id(name), Name = name, Image = "busybox", State = net is null ? "exited" : "running", Pid = net is null ? null : 100,
        Created = DateTimeOffset.UnixEpoch, Labels = new Dictionary<string, string>(),
        HostConfig = new ContainerHostConfig { NetworkMode = mode, Privileged = false, CapAdd = [] }, Mounts = [],
        Networks = [.. networks.Select(n => new ContainerEndpoint { Network = n.Name, NetworkId = n.Id, IPv4Address = "172.18.0.2/16" })],
        Namespaces = net is { } inode
            ? new Dictionary<NamespaceType, ContainerNamespace> { [NamespaceType.Net] = new() { Inode = inode, Sharing = inode == Host ? Sharing.Host : Sharing.Private, SharedWith = [] } }
            : null,
    };

    public static DockerNetworkInfo Network(string name, string id, string driver = "bridge", bool icc = true, bool @internal = false) => new()
    {
        Id = id, Name = name, Driver = driver, Internal = @internal, EnableIcc = icc, Subnets = ["172.18.0.0/16"], Gateways = ["172.18.0.1"],
        BridgeInterface = driver == "bridge" ? $"br-{id[..12]}" : null, Containers = [],
    };
}
