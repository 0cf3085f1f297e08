using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Microsoft.Extensions.Logging.Abstractions;

// Writes snapshots into a file for ever, varying a real state, and says on stdout what it did:
//   committed <id> <sha256 of the state's JSON>   after SaveAsync returned (the transaction is committed)
//   may-delete <id> …                              before a delete or retention pass that may remove those ids
// The crash-safety test kills it with SIGKILL at random moments and checks the file after each kill.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Dashboard.SnapshotWriter <database> <state.json> <seed>");
    return 2;
}

var baseState = JsonSerializer.Deserialize<SnapshotState>(await File.ReadAllBytesAsync(args[1]), DashboardJson.Options)!;
var random = new Random(int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
using var store = new SqliteSnapshotStore(args[0], SnapshotSchema.Migrations, TimeProvider.System, NullLogger<SqliteSnapshotStore>.Instance);
await store.OpenAsync(CancellationToken.None);
if (store.Status.State != StorageState.Ok)
{
    Console.Error.WriteLine($"store: {store.Status.State}: {store.Status.Error}");
    return 1;
}

var stdout = Console.Out;
stdout.WriteLine("ready");
stdout.Flush();
for (var version = 1L; ; version++)
{
    var roll = random.Next(10);
    if (roll == 0)
    {
        var page = await store.ListAsync(null, null, 500, 0, CancellationToken.None);
        if (page.Items.Count > 0)
        {
            var victim = page.Items[random.Next(page.Items.Count)].Id;
            Say($"may-delete {victim}");
            await store.DeleteAsync(victim, CancellationToken.None);
        }

        continue;
    }

    if (roll == 1)
    {
        const int keep = 25;
        var page = await store.ListAsync(null, null, 500, 0, CancellationToken.None);
        if (page.Items.Count > keep)
        {
            Say("may-delete " + string.Join(' ', page.Items.Skip(keep).Select(s => s.Id)));
            await store.ApplyRetentionAsync(null, keep, DateTimeOffset.UtcNow, CancellationToken.None);
        }

        continue;
    }

    var state = Vary(baseState, random);
    var summary = await store.SaveAsync(new SnapshotRecord(state, SnapshotReason.Timer, "crash-test", version, DateTimeOffset.UtcNow), CancellationToken.None);
    Say($"committed {summary.Id} {Digest(state)}");
}

void Say(string line)
{
    stdout.WriteLine(line);
    stdout.Flush();
}

static string Digest(SnapshotState state) =>
    Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(state, DashboardJson.Options))));

// Some namespaces with other process counts and a topology node or two more: new records and lists in every write,
// and some of the same ones again, so that writes also reuse content and deletes leave some of it behind.
static SnapshotState Vary(SnapshotState state, Random random)
{
    var namespaces = state.Namespaces.ToList();
    for (var n = random.Next(1, 4); n > 0; n--)
    {
        var at = random.Next(namespaces.Count);
        namespaces[at] = namespaces[at] with { ProcessCount = random.Next(1, 50) };
    }

    var extra = Enumerable.Range(0, random.Next(3)).Select(i => new TopologyNode
    {
        Id = $"dt-crash-{random.Next(20)}",
        Kind = "host",
        Label = new string('x', random.Next(10, 20_000)),
        Details = new Dictionary<string, string>(),
    });
    return state with { Namespaces = namespaces, Topology = state.Topology with { Nodes = [.. state.Topology.Nodes, .. extra] } };
}
