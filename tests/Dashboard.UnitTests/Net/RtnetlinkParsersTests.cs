using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Dashboard.Server.Collection.Net;
using Dashboard.UnitTests.Proc;

namespace Dashboard.UnitTests.Net;

/// <summary>Real rtnetlink dumps (Samples/netlink/README.md) against what <c>ip -j</c> said at capture time.</summary>
public sealed class RtnetlinkParsersTests
{
    private static NetnsSnapshot Snapshot(string prefix)
    {
        var snapshot = RtnetlinkParsers.ParseSnapshot(
            Samples.Bytes($"netlink/{prefix}-link.bin"),
            Samples.Bytes($"netlink/{prefix}-addr.bin"),
            Samples.Bytes($"netlink/{prefix}-route.bin"));
        Assert.NotNull(snapshot);
        return snapshot;
    }

    private static NetInterface Interface(NetnsSnapshot snapshot, string name) => Assert.Single(snapshot.Interfaces, i => i.Name == name);

    [Fact]
    public void HostDumpHasEveryInterfaceWithIndexNameMacMtuAndMaster()
    {
        var host = Snapshot("host");

        // (index, name, mac, mtu, master) as `ip -j link` printed them right after the capture.
        (int, string, string, int, int?)[] expected =
        [
            (1, "lo", "00:00:00:00:00:00", 65536, null),
            (2, "ifb0", "82:51:68:e2:45:fd", 1500, null),
            (3, "ifb1", "a6:7d:9c:5e:d6:01", 1500, null),
            (4, "eth0", "02:fc:00:00:00:01", 1400, null),
            (5, "docker0", "02:42:d4:a2:4e:11", 1500, null),
            (178, "br-edc91c7c43d3", "02:42:ae:21:9f:86", 1500, null),
            (180, "veth9784fc4", "ba:c7:7b:a7:a3:9f", 1500, 178),
            (182, "veth3153d04", "c2:9f:73:0b:0d:3d", 1500, 178),
            (184, "veth3e7f68f", "3a:65:a3:8e:5c:9b", 1500, 5),
        ];
        Assert.Equal(expected, host.Interfaces.Select(i => (i.Index, i.Name, i.Mac!, i.Mtu, i.MasterIndex)));
    }

    [Fact]
    public void HostDumpTellsKindsStatesAndVethPeers()
    {
        var host = Snapshot("host");

        var lo = Interface(host, "lo");
        Assert.Equal(("loopback", "unknown", true), (lo.Kind, lo.OperState, lo.IsUp));
        Assert.Equal(("bridge", "up"), (Interface(host, "docker0").Kind, Interface(host, "docker0").OperState));
        Assert.Equal("bridge", Interface(host, "br-edc91c7c43d3").Kind);
        var ifb = Interface(host, "ifb0");
        Assert.Equal(("ifb", "down", false), (ifb.Kind, ifb.OperState, ifb.IsUp));
        // The machine's own NIC has no rtnl_link_ops, hence no kind.
        Assert.Equal("other", Interface(host, "eth0").Kind);

        // Each host-side veth names its container end's index and the netnsid of the container's namespace.
        var veths = host.Interfaces.Where(i => i.Kind == "veth").Select(i => (i.Name, i.LinkIndex, i.LinkNetnsId));
        Assert.Equal([("veth9784fc4", 179, 0), ("veth3153d04", 181, 1), ("veth3e7f68f", 183, 2)], veths.Select(v => (v.Name, v.LinkIndex!.Value, v.LinkNetnsId!.Value)));
        Assert.All(host.Interfaces.Where(i => i.Kind != "veth"), i => Assert.Null(i.LinkNetnsId));
    }

    [Fact]
    public void HostDumpHasEveryAddressLikeIpAddr()
    {
        var host = Snapshot("host");

        (int, string, int, string)[] expected =
        [
            (1, "127.0.0.1", 8, "host"),
            (4, "192.0.2.2", 24, "global"),
            (5, "172.17.0.1", 16, "global"),
            (178, "192.168.96.1", 20, "global"),
            (1, "::1", 128, "host"),
            (4, "fd00::2", 64, "global"),
            (4, "fe80::fc:ff:fe00:1", 64, "link"),
            (5, "fe80::42:d4ff:fea2:4e11", 64, "link"),
            (178, "fe80::42:aeff:fe21:9f86", 64, "link"),
            (180, "fe80::b8c7:7bff:fea7:a39f", 64, "link"),
            (182, "fe80::c09f:73ff:fe0b:d3d", 64, "link"),
            (184, "fe80::3865:a3ff:fe8e:5c9b", 64, "link"),
        ];
        Assert.Equal(
            expected.OrderBy(e => e),
            host.Addresses.Select(a => (a.InterfaceIndex, a.Address.ToString(), a.PrefixLength, a.Scope)).OrderBy(e => e));
        Assert.All(host.Addresses, a => Assert.Null(a.Peer));
    }

    [Fact]
    public void HostDumpHasOneDefaultRoutePerFamilyFromTheMainTable()
    {
        var host = Snapshot("host");

        // The route dump also holds the local table (127.0.0.0/8, ::1, multicast …): none of that may pass.
        Assert.Equal(2, host.DefaultRoutes.Count);
        var v4 = Assert.Single(host.DefaultRoutes, r => r.Family == AddressFamily.InterNetwork);
        Assert.Equal((IPAddress.Parse("192.0.2.1"), 4), (v4.Gateway, v4.OutputInterfaceIndex!.Value));
        var v6 = Assert.Single(host.DefaultRoutes, r => r.Family == AddressFamily.InterNetworkV6);
        Assert.Equal((IPAddress.Parse("fd00::1"), 4, 1024), (v6.Gateway, v6.OutputInterfaceIndex!.Value, v6.Metric!.Value));
    }

    [Fact]
    public void ContainerDumpHasEth0AsVethToTheHostBridgePort()
    {
        var container = Snapshot("container");

        Assert.Equal(["lo", "eth0"], container.Interfaces.Select(i => i.Name));
        var eth0 = Interface(container, "eth0");
        Assert.Equal(179, eth0.Index);
        Assert.Equal("veth", eth0.Kind);
        Assert.Equal("02:42:c0:a8:60:02", eth0.Mac);
        Assert.Equal(1500, eth0.Mtu);
        Assert.Equal("up", eth0.OperState);
        Assert.Null(eth0.MasterIndex);
        // Index 180 is veth9784fc4 in the host dump, whose own peer is 179: the two ends of one pair.
        Assert.Equal(180, eth0.LinkIndex);
        Assert.Equal(0, eth0.LinkNetnsId);

        var address = Assert.Single(container.Addresses, a => a.InterfaceIndex == 179);
        Assert.Equal((IPAddress.Parse("192.168.96.2"), 20, "global"), (address.Address, address.PrefixLength, address.Scope));
        var route = Assert.Single(container.DefaultRoutes);
        Assert.Equal((IPAddress.Parse("192.168.96.1"), 179), (route.Gateway, route.OutputInterfaceIndex!.Value));
    }

    [Fact]
    public void KindsDumpNamesEachDriverAndTellsTunFromTap()
    {
        var kinds = Snapshot("kinds");

        Assert.Equal(
            [("lo", "loopback"), ("dt-bridge", "bridge"), ("dt-vb", "veth"), ("dt-va", "veth"), ("dt-tun0", "tun"), ("dt-tap0", "tap"), ("dt-mv0", "macvlan"), ("dt-vx0", "vxlan"), ("dt-ifb", "ifb")],
            kinds.Interfaces.Select(i => (i.Name, i.Kind)));
        Assert.Null(Interface(kinds, "dt-tun0").Mac);
        Assert.Equal(2, Interface(kinds, "dt-vb").MasterIndex);

        // A veth pair inside one namespace: each end links to the other, with no netnsid.
        Assert.Equal((4, (int?)null), (Interface(kinds, "dt-vb").LinkIndex!.Value, Interface(kinds, "dt-vb").LinkNetnsId));
        Assert.Equal((3, (int?)null), (Interface(kinds, "dt-va").LinkIndex!.Value, Interface(kinds, "dt-va").LinkNetnsId));
        // macvlan's link is its lower device.
        Assert.Equal(2, Interface(kinds, "dt-mv0").LinkIndex);
    }

    [Fact]
    public void KindsDumpHasPointToPointPeerAndBothDefaultRoutes()
    {
        var kinds = Snapshot("kinds");

        var ptp = Assert.Single(kinds.Addresses, a => a.InterfaceIndex == 4 && a.Family == AddressFamily.InterNetwork);
        Assert.Equal((IPAddress.Parse("10.231.8.1"), IPAddress.Parse("10.231.8.2"), 32), (ptp.Address, ptp.Peer, ptp.PrefixLength));
        Assert.Contains(kinds.Addresses, a => a.Address.Equals(IPAddress.Parse("fd00:231::1")) && a.PrefixLength == 64 && a.InterfaceIndex == 2);

        Assert.Equal(
            [(AddressFamily.InterNetwork, "10.231.9.254"), (AddressFamily.InterNetworkV6, "fd00:231::fe")],
            kinds.DefaultRoutes.Select(r => (r.Family, r.Gateway!.ToString())).OrderBy(r => r.Family));
        Assert.All(kinds.DefaultRoutes, r => Assert.Equal(2, r.OutputInterfaceIndex));
    }
}

/// <summary>The framing: errors, truncation and alignment, on real messages cut or stitched.</summary>
public sealed class NetlinkWalkTests
{
    private static DumpProgress CountMessages(ReadOnlySpan<byte> buffer, out int count)
    {
        var seen = 0;
        var progress = Netlink.Walk(buffer, (_, _) => seen++);
        count = seen;
        return progress;
    }

    [Fact]
    public void RealErrorReplyIsAnErrorWithTheErrno()
    {
        // The kernel's answer to RTM_GETLINK for ifindex 999999: NLMSG_ERROR with -ENODEV (19).
        var progress = CountMessages(Samples.Bytes("netlink/error-enodev.bin"), out var count);

        Assert.Equal(new DumpProgress(DumpEnd.Error, 19), progress);
        Assert.Equal(0, count);
        Assert.Null(RtnetlinkParsers.ParseSnapshot(Samples.Bytes("netlink/error-enodev.bin"), Samples.Bytes("netlink/host-addr.bin"), Samples.Bytes("netlink/host-route.bin")));
    }

    [Fact]
    public void AnAckIsSkippedNotAnError()
    {
        var ack = Samples.Bytes("netlink/error-enodev.bin");
        MemoryMarshal.Write(ack.AsSpan(Netlink.HeaderSize), 0);
        var done = Samples.Bytes("netlink/container-addr.bin")[^20..]; // NLMSG_DONE is the last message of a dump

        Assert.Equal(DumpEnd.Done, CountMessages([.. ack, .. done], out _).End);
    }

    [Fact]
    public void EveryCutOfARealDumpEndsMalformedOrMoreWithoutThrowing()
    {
        var dump = Samples.Bytes("netlink/container-link.bin");
        Assert.Equal(DumpEnd.Done, CountMessages(dump, out var whole).End);
        Assert.Equal(2, whole); // lo and eth0, then DONE

        for (var cut = 1; cut < dump.Length; cut++)
        {
            var progress = CountMessages(dump.AsSpan(0, cut), out var count);
            Assert.True(progress.End is DumpEnd.Malformed or DumpEnd.More, $"cut at {cut}: {progress}");
            Assert.True(count <= whole, $"cut at {cut}: {count} messages");
        }
    }

    [Fact]
    public void AMessageWhoseAttributesAreCutIsDroppedAndTheWalkGoesOn()
    {
        // Shrink eth0's nlmsg_len so that its last attribute claims bytes beyond the message: the walk itself stays
        // in step (the next header is found by the same padded length), only the damaged message is dropped.
        var dump = Samples.Bytes("netlink/container-link.bin");
        var first = (int)MemoryMarshal.Read<uint>(dump);
        var secondLength = (int)MemoryMarshal.Read<uint>(dump.AsSpan(first));
        var shorter = Netlink.Align(secondLength) - 24;
        var damaged = dump.AsSpan(0, first + shorter).ToArray().Concat(dump[(first + Netlink.Align(secondLength))..]).ToArray();
        MemoryMarshal.Write(damaged.AsSpan(first), (uint)shorter);

        var interfaces = new List<NetInterface>();
        var progress = RtnetlinkParsers.Collect(damaged, RtnetlinkParsers.NewLink, RtnetlinkParsers.ParseLink, interfaces);

        Assert.Equal(DumpEnd.Done, progress.End);
        Assert.Equal(["lo"], interfaces.Select(i => i.Name));
    }

    [Fact]
    public void ZeroLengthHeaderStopsTheWalk()
    {
        var progress = CountMessages(new byte[Netlink.HeaderSize], out var count);

        Assert.Equal(DumpEnd.Malformed, progress.End);
        Assert.Equal(0, count);
    }

    [Fact]
    public void ShortPayloadsGiveNull()
    {
        Assert.Null(RtnetlinkParsers.ParseLink(new byte[RtnetlinkParsers.IfInfoSize - 1]));
        Assert.Null(RtnetlinkParsers.ParseAddress(new byte[RtnetlinkParsers.IfAddrSize - 1]));
        Assert.Null(RtnetlinkParsers.ParseDefaultRoute(new byte[RtnetlinkParsers.RtMsgSize - 1]));
        // A link with no IFLA_IFNAME is not one we can name.
        Assert.Null(RtnetlinkParsers.ParseLink(new byte[RtnetlinkParsers.IfInfoSize]));
    }
}
