using System.Text.Json;
using Dashboard.Client.Live;
using Dashboard.Server.Live;
using Dashboard.Server.State;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Dashboard.Shared.Model;
using Dashboard.UnitTests.State;
using Microsoft.Data.Sqlite;
using static Dashboard.UnitTests.State.TopologyFixtures;

namespace Dashboard.UnitTests.Live;

/// <summary>
/// The parts of the state are described once (<see cref="StateParts"/>): the server lists them in that order, the
/// client store shows them in it whatever order it received them in, and every part is carried by the publisher,
/// the snapshot store and the client.
/// </summary>
public sealed class StatePartsTests
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A host as the server builds it; "db" is in a network namespace whose inode is below the host's.</summary>
    private static HostState ServerState() => HostStateBuilder.Build(
        HostStateBuilderTests.Scan(
            HostStateBuilderTests.Proc(2, 0, HostStateBuilderTests.Initial),
            HostStateBuilderTests.Proc(300, 1, HostStateBuilderTests.Own(4026532300)),
            HostStateBuilderTests.Proc(200, 1, HostStateBuilderTests.Own(1000)),
            HostStateBuilderTests.Proc(400, 1, HostStateBuilderTests.Own(4026532400, NamespaceType.Net))),
        HostStateBuilderTests.Docker(
            HostStateBuilderTests.Container("web", 300),
            HostStateBuilderTests.Container("db", 200),
            HostStateBuilderTests.Container("cache", 400),
            HostStateBuilderTests.Container("old", null, "exited")),
        "unix:///var/run/docker.sock",
        1);

    /// <summary>The hand-made host of <see cref="TopologyBuilderTests"/>, with a container on two networks (listed by name, as the engine gives them).</summary>
    private static HostState WiredState(bool hostKnown = true)
    {
        var containers = TopologyBuilderTests.Containers()
            .Append(Container("multi", OtherNs, "othernet", ("mynetwork", MyNetworkId), ("othernet", OtherNetworkId)))
            .ToList();
        var netns = TopologyBuilderTests.Namespaces().Select(n => n with { IsInitial = hostKnown && n.IsInitial }).ToList();
        var networks = TopologyBuilderTests.Networks();
        return With(ServerState(), new SnapshotState
        {
            Containers = StateParts.Containers.Order(containers, new StatePartLists()),
            Namespaces = ServerState().NamespaceList,
            Networks = networks,
            NetworkNamespaces = StateParts.NetworkNamespaces.Order(netns, new StatePartLists()),
            Topology = TopologyBuilder.Build(containers, networks, netns, new Dictionary<ulong, int>()),
        });
    }

    private static HostState With(HostState state, SnapshotState parts) => new()
    {
        Status = state.Status,
        Containers = parts.Containers,
        Networks = parts.Networks,
        Processes = state.Processes,
        Namespaces = state.Namespaces,
        NamespaceList = parts.Namespaces,
        NetworkNamespaceList = parts.NetworkNamespaces,
        NetworkNamespaces = parts.NetworkNamespaces.ToDictionary(n => n.Inode),
        Topology = parts.Topology,
        StartedAt = state.StartedAt + 1,
    };

    private static LiveSnapshot Snapshot(HostState state) => LiveFingerprints.Of(state).ToSnapshot();

    private static LiveMessage Message(long from, long to, LiveSnapshot? snapshot = null, LiveChanges? changes = null) => new()
    {
        Epoch = "e",
        FromVersion = from,
        ToVersion = to,
        PublishedAt = s_now,
        Snapshot = snapshot,
        Changes = changes,
    };

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, DashboardJson.Options);

    /// <summary>What the REST API answers for each part, and what the client store shows for it.</summary>
    private static void AssertClientShowsRestOrder(HostState rest, LiveStore client)
    {
        Assert.Equal(Json(rest.Containers), Json(client.Containers()));
        Assert.Equal(Json(rest.NamespaceList), Json(client.Namespaces()));
        Assert.Equal(Json(rest.Networks), Json(client.Networks()));
        Assert.Equal(Json(rest.NetworkNamespaceList), Json(client.NetworkNamespaces()));
        Assert.Equal(Json(rest.Topology), Json(client.Topology()));
    }

    private static LiveSnapshot Reversed(LiveSnapshot s) => s with
    {
        Containers = [.. s.Containers.Reverse()],
        Namespaces = [.. s.Namespaces.Reverse()],
        Networks = [.. s.Networks.Reverse()],
        NetworkNamespaces = [.. s.NetworkNamespaces.Reverse()],
        Topology = new TopologyGraph { Nodes = [.. s.Topology.Nodes.Reverse()], Edges = [.. s.Topology.Edges.Reverse()] },
    };

    public static TheoryData<string> States() => ["server", "wired", "wired, host unknown"];

    private static HostState State(string name) => name switch
    {
        "server" => ServerState(),
        "wired" => WiredState(),
        _ => WiredState(hostKnown: false),
    };

    [Theory]
    [MemberData(nameof(States))]
    public void TheClientStoreShowsEveryPartInTheRestOrderWhateverOrderItArrivedIn(string name)
    {
        var rest = State(name);
        var snapshot = Snapshot(rest);
        if (name == "server")
        {
            // The case the client used to get wrong: a namespace whose inode is below the host's.
            Assert.Contains(rest.NetworkNamespaceList, n => n.Inode < rest.NetworkNamespaceList[0].Inode);
        }

        var fromSnapshot = new LiveStore();
        fromSnapshot.Apply(Message(1, 1, snapshot: Reversed(snapshot)));
        AssertClientShowsRestOrder(rest, fromSnapshot);

        // Everything upserted by a batch, last first: the store appends nothing, it orders.
        var fromChanges = new LiveStore();
        fromChanges.Apply(Message(1, 1, snapshot: snapshot with
        {
            Containers = [], Namespaces = [], Networks = [], NetworkNamespaces = [], Topology = new TopologyGraph { Nodes = [], Edges = [] },
        }));
        var reversed = Reversed(snapshot);
        var changes = new LiveChanges
        {
            ContainersUpserted = reversed.Containers,
            NamespacesUpserted = reversed.Namespaces,
            NetworksUpserted = reversed.Networks,
            NetworkNamespacesUpserted = reversed.NetworkNamespaces,
            TopologyNodesUpserted = reversed.Topology.Nodes,
            TopologyEdgesUpserted = reversed.Topology.Edges,
        };
        Assert.True(fromChanges.Apply(Message(2, 2, changes: changes)).Applied);
        AssertClientShowsRestOrder(rest, fromChanges);
    }

    [Theory]
    [MemberData(nameof(States))]
    public void TheServerBuildsTheTopologyInTheDescribedOrder(string name)
    {
        // HostStateBuilder sorts by the description; the builder already lists in that order, so the sort changes nothing.
        var built = State(name).Topology;

        var ordered = StateParts.ToSnapshotState(StateParts.InOrder(StatePartLists.Of(Reversed(Snapshot(State(name)))))).Topology;

        Assert.Equal(built.Nodes.Select(n => n.Id), ordered.Nodes.Select(n => n.Id));
        Assert.Equal(built.Edges.Select(e => e.Id), ordered.Edges.Select(e => e.Id));
    }

    public static TheoryData<string> PartNames() => [.. StateParts.All.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(PartNames))]
    public void EveryPartIsCarriedByThePublisherTheSnapshotStoreAndTheClient(string name)
    {
        var part = Assert.Single(StateParts.All, p => p.Name == name);
        var index = StateParts.All.ToList().IndexOf(part);
        var full = WiredState();
        var lists = StatePartLists.Of(Snapshot(full));
        var count = part.Accept(new Empty(lists));
        Assert.True(count > 0, $"the sample has no {name}");
        var without = With(full, StateParts.ToSnapshotState(lists));

        // The publisher: removing every record of the part is so many changes of that part, and of no other.
        var (changes, total) = LiveDiff.Between(LiveFingerprints.Of(full), LiveFingerprints.Of(without));
        Assert.Equal(StateParts.All.Select(p => p == part ? count : 0), StateParts.All.Select(p => p.ChangeCount(changes)));
        Assert.Equal(count, total);
        Assert.True(SnapshotService.Recorded(changes));

        // The snapshot store: one list per part, this one empty.
        var encoded = SnapshotContent.Encode(new SnapshotRecord(StateParts.ToSnapshotState(Snapshot(without)), SnapshotReason.Manual, "e", 1, s_now)
        {
            Json = LiveFingerprints.Of(without).SnapshotParts(),
        });
        Assert.Equal(StateParts.All.Count, encoded.Length);
        Assert.Empty(encoded[index]);

        // The client: the batch takes the part away. (Without nodes, edges are in no order the server would give: the
        // described order places them all last.)
        var client = new LiveStore();
        client.Apply(Message(1, 1, snapshot: Snapshot(full)));
        Assert.True(client.Apply(Message(2, 1 + total, changes: changes)).Applied);
        AssertClientShowsRestOrder(With(full, StateParts.ToSnapshotState(StateParts.InOrder(lists))), client);
    }

    [Fact]
    public void TheSnapshotFileHasAListColumnForEveryPart()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        SnapshotSchema.Migrate(connection, SnapshotSchema.Migrations, ":memory:");
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info('snapshots')";
        var columns = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }
        }

        Assert.All(StateParts.All, part => Assert.Contains(part.Name, columns));
    }

    [Fact]
    public void ANamespaceRemovalTravelsAsTypeAndInodeAndIsReadBackAsItsKey()
    {
        var key = new NamespaceKey(NamespaceType.Net, 4026532530);
        var changes = StateParts.Namespaces.WithChanges(new LiveChanges(), [], [key]);

        var json = JsonSerializer.Serialize(changes, DashboardJson.Options);
        Assert.Contains("""
            "namespacesRemoved":[{"type":"net","inode":4026532530}]
            """, json);
        Assert.Equal([key], StateParts.Namespaces.Removed(JsonSerializer.Deserialize<LiveChanges>(json, DashboardJson.Options)!));
    }

    /// <summary>Empties the part's list; returns how many records it had.</summary>
    private sealed class Empty(StatePartLists lists) : IStatePartVisitor<int>
    {
        public int Visit<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull
        {
            var count = lists.Get(part).Count;
            lists.Set(part, []);
            return count;
        }
    }
}
