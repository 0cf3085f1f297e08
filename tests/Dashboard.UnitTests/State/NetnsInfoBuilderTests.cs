using System.Net;
using System.Net.Sockets;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;
using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.UnitTests.State;

/// <summary>Joining the network collection with the scan and the containers, on hand-made inputs.</summary>
public sealed class NetnsInfoBuilderTests
{
    private const ulong Host = 4026531840;
    private const ulong Web1 = 4026532200;
    private const ulong Hidden = 4026532900;

    private static NetInterface Link(int index, string name, string kind, int? master = null) => new()
    {
        Index = index, Name = name, Kind = kind, Mtu = 1500, OperState = "up", IsUp = true, Flags = 1, DeviceType = 1,
        Mac = "02:42:ac:12:00:02", MasterIndex = master,
    };

    private static ProcessRecord Proc(int pid, ulong net) => new()
    {
        Pid = pid, Ppid = 1, NsPids = [pid], Name = "sleep", Command = "sleep 1d", Uid = 0, User = "root", StartTime = 1,
        Namespaces = new Dictionary<NamespaceType, ulong> { [NamespaceType.Net] = net }, Threads = [],
    };

    private static NamespaceRecord Record(ulong inode, params string[] bindMounts)
    {
        var record = new NamespaceRecord { Key = new NamespaceKey(NamespaceType.Net, inode) };
        record.BindMounts.AddRange(bindMounts);
        return record;
    }

    private static ContainerInfo Container(string name, ulong net) => new()
    {
        Id = name + new string('0', 64 - name.Length), Name = name, Image = "busybox", State = "running", Pid = 100,
        Created = DateTimeOffset.UnixEpoch, Labels = new Dictionary<string, string>(),
        HostConfig = new ContainerHostConfig { Privileged = false, CapAdd = [] }, Mounts = [], Networks = [],
        Namespaces = new Dictionary<NamespaceType, ContainerNamespace> { [NamespaceType.Net] = new() { Inode = net, Sharing = Sharing.Private, SharedWith = [] } },
    };

    [Theory]
    [InlineData("loopback", NetInterfaceKind.Loopback)]
    [InlineData("veth", NetInterfaceKind.Veth)]
    [InlineData("bridge", NetInterfaceKind.Bridge)]
    [InlineData("macvtap", NetInterfaceKind.Macvlan)]
    [InlineData("ipvlan", NetInterfaceKind.Ipvlan)]
    [InlineData("vxlan", NetInterfaceKind.Vxlan)]
    [InlineData("tun", NetInterfaceKind.Tun)]
    [InlineData("tap", NetInterfaceKind.Tap)]
    [InlineData("dummy", NetInterfaceKind.Dummy)]
    [InlineData("ifb", NetInterfaceKind.Other)]
    [InlineData("other", NetInterfaceKind.Other)]
    public void KernelKindsFoldIntoTheContractsFew(string kernel, NetInterfaceKind expected) =>
        Assert.Equal(expected, NetnsInfoBuilder.Kind(kernel));

    [Fact]
    public void IndexesBecomeNamesAndPeersAndSocketsGetTheirOwners()
    {
        var hiddenRecord = Record(Hidden, "/run/netns/x");
        hiddenRecord.OpenDescriptors.Add(new FileDescriptorRef { Pid = 300, Fd = 7 });
        hiddenRecord.OpenDescriptors.Add(new FileDescriptorRef { Pid = 120, Fd = 4 });
        var scan = new ProcScan
        {
            ProcRoot = "/proc",
            Processes = [Proc(2, Host), Proc(120, Web1), Proc(100, Web1)],
            Namespaces = new Dictionary<NamespaceKey, NamespaceRecord>
            {
                [new(NamespaceType.Net, Host)] = Record(Host),
                [new(NamespaceType.Net, Web1)] = Record(Web1),
                [new(NamespaceType.Net, Hidden)] = hiddenRecord,
            },
            InitialNamespaces = new Dictionary<NamespaceType, ulong> { [NamespaceType.Net] = Host },
            UnreadableProcessCount = 0,
            SocketOwners = new Dictionary<ulong, IReadOnlyList<int>> { [777] = [120, 100, 120] },
            ScannedAt = DateTimeOffset.UnixEpoch,
            Duration = TimeSpan.Zero,
        };
        var network = new NetworkCollection
        {
            Namespaces = new Dictionary<ulong, CollectedNetns>
            {
                [Host] = new()
                {
                    Inode = Host,
                    Snapshot = new()
                    {
                        Interfaces = [Link(1, "lo", "loopback"), Link(178, "br-edc91c7c43d3", "bridge"), Link(180, "veth9784fc4", "veth", master: 178)],
                        Addresses = [new() { InterfaceIndex = 178, Family = AddressFamily.InterNetwork, Address = IPAddress.Parse("172.18.0.1"), PrefixLength = 16, Scope = "global" }],
                        DefaultRoutes = [],
                    },
                    Sockets = [],
                },
                [Web1] = new()
                {
                    Inode = Web1,
                    Snapshot = new()
                    {
                        Interfaces = [Link(179, "eth0", "veth"), Link(1, "lo", "loopback")],
                        Addresses =
                        [
                            new() { InterfaceIndex = 179, Family = AddressFamily.InterNetwork, Address = IPAddress.Parse("172.18.0.2"), PrefixLength = 16, Scope = "global" },
                            new() { InterfaceIndex = 179, Family = AddressFamily.InterNetworkV6, Address = IPAddress.Parse("fe80::42:acff:fe12:2"), PrefixLength = 64, Scope = "link" },
                        ],
                        DefaultRoutes = [new() { Family = AddressFamily.InterNetwork, Gateway = IPAddress.Parse("172.18.0.1"), OutputInterfaceIndex = 179 }],
                        Cookie = 13316,
                    },
                    Sockets = [new("tcp6", IPAddress.IPv6Any, 80, 777, 0), new("udp", IPAddress.Any, 53, 778, 0)],
                },
                [Hidden] = new() { Inode = Hidden, Error = "open /run/netns/x: No such file or directory", Sockets = [] },
            },
            VethPeers = new Dictionary<InterfaceKey, InterfaceKey>
            {
                [new(Web1, 179)] = new(Host, 180),
                [new(Host, 180)] = new(Web1, 179),
            },
        };

        var list = NetnsInfoBuilder.Build(scan, network, [Container("web1", Web1), Container("joiner", Web1)]);

        Assert.Equal([Host, Web1, Hidden], list.Select(n => n.Inode));
        var host = list[0];
        Assert.True(host.IsInitial);
        var hostVeth = Assert.Single(host.Interfaces, i => i.Name == "veth9784fc4");
        Assert.Equal("br-edc91c7c43d3", hostVeth.Master);
        Assert.Equal(new NetPeerRef { NetnsInode = Web1, Index = 179, Name = "eth0" }, hostVeth.Peer);
        Assert.Equal(["172.18.0.1/16"], Assert.Single(host.Interfaces, i => i.Kind == NetInterfaceKind.Bridge).Addresses);

        var web1 = list[1];
        Assert.False(web1.IsInitial);
        Assert.Equal(["joiner", "web1"], web1.Containers.Select(c => c.Name));
        Assert.Equal((2, (int?)100, "sleep 1d"), (web1.ProcessCount, web1.LowestPid, web1.Command));
        Assert.Empty(web1.OpenDescriptors);
        Assert.Equal(13316UL, web1.Cookie);
        Assert.Equal(["lo", "eth0"], web1.Interfaces.Select(i => i.Name));
        var eth0 = web1.Interfaces[1];
        Assert.Equal(["172.18.0.2/16", "fe80::42:acff:fe12:2/64"], eth0.Addresses);
        Assert.Equal(new NetPeerRef { NetnsInode = Host, Index = 180, Name = "veth9784fc4" }, eth0.Peer);
        Assert.Null(web1.Interfaces[0].Peer);
        Assert.Equal(new NetDefaultRoute { Family = "ipv4", Gateway = "172.18.0.1", Interface = "eth0" }, Assert.Single(web1.DefaultRoutes));
        Assert.Equal(
            [("tcp", "::", 80, "100,120"), ("udp", "0.0.0.0", 53, "")],
            web1.Sockets.Select(s => (s.Protocol, s.Address, s.Port, string.Join(',', s.Pids))));
        Assert.Null(web1.Error);

        var hidden = list[2];
        Assert.Equal((0, (int?)null, (string?)null), (hidden.ProcessCount, hidden.LowestPid, hidden.Command));
        Assert.Equal(["/run/netns/x"], hidden.BindMounts);
        Assert.Equal([(120, 4), (300, 7)], hidden.OpenDescriptors.Select(d => (d.Pid, d.Fd)));
        Assert.Empty(hidden.Interfaces);
        Assert.Null(hidden.Cookie);
        Assert.NotNull(hidden.Error);
    }
}
