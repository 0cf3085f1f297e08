using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Bench;

/// <summary>
/// Writing snapshots of real states: 5 networks, then 50 and 500 running containers, each state taken by the real
/// server (in-process, POST then GET /api/snapshots). For each state: the time and the bytes of a first snapshot
/// (every record new), of one after a container changed, and of an unchanged one; the time to read one back; and the
/// growth of the file over 1000 unchanged snapshots. The comparison in the same run is the obvious store: the whole
/// state as one JSON document per row, in the same SQLite settings. Run with <c>-- snapshots</c>.
/// </summary>
internal static class SnapshotBenchmark
{
    private const string Prefix = "dt-bench-snap-";
    private const string Label = "dashboard.test=bench-snap";
    private const int Networks = 5;
    private const int Iterations = 40;
    // The engine here sometimes keeps a stale endpoint that blocks removing a network: names of this run's own.
    private static readonly string s_networkPrefix = $"{Prefix}{Environment.ProcessId}-net";

    public static async Task<int> RunAsync(int[] sizes)
    {
        Cleanup();
        try
        {
            for (var n = 0; n < Networks; n++)
            {
                await Shell.RunAsync("docker", "network", "create", "--label", Label, $"{s_networkPrefix}{n}");
            }

            var running = 0;
            foreach (var size in sizes)
            {
                await StartContainersAsync(running, size);
                running = size;
                var state = await CaptureAsync();
                Console.WriteLine();
                Console.WriteLine($"## {state.Containers.Count(c => c.Labels.GetValueOrDefault("dashboard.test") == "bench-snap")} bench containers " +
                    $"({state.Containers.Count} in all), {state.Namespaces.Count} namespaces, {state.NetworkNamespaces.Count} network namespaces, " +
                    $"{state.Topology.Nodes.Count} topology nodes, {state.Topology.Edges.Count} edges, {state.Reachability.Pairs.Count} reachability pairs; " +
                    $"JSON of what is stored (all but reachability) {JsonSerializer.SerializeToUtf8Bytes(Stored(state), DashboardJson.Options).Length / 1024.0:0} KiB, " +
                    $"with reachability {JsonSerializer.SerializeToUtf8Bytes(state, DashboardJson.Options).Length / 1024.0:0} KiB; " +
                    $"load {File.ReadAllText("/proc/loadavg").Trim()}");
                await MeasureAsync(state);
            }

            return 0;
        }
        finally
        {
            Cleanup();
        }
    }

    private static async Task MeasureAsync(SnapshotState state)
    {
        var first = new List<double>();
        var firstBytes = new List<long>();
        var read = new List<double>();
        for (var i = 0; i < Iterations; i++)
        {
            using var file = new BenchFile();
            using var store = file.Store();
            var record = Record(state, i, withJson: true);
            var t = Stopwatch.GetTimestamp();
            var saved = await store.SaveAsync(record, CancellationToken.None);
            first.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            firstBytes.Add(file.CheckpointedBytes());

            t = Stopwatch.GetTimestamp();
            _ = await store.GetAsync(saved.Id, CancellationToken.None);
            read.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        // In one file, one after the other, as the server takes them: what each costs in time and in file growth.
        var changed = await SeriesAsync(state, 200, i => Record(WithOneContainerChanged(state, i), i, withJson: true));
        var unchanged = await SeriesAsync(state, 1000, i => Record(state, i, withJson: true));
        var unchangedOwnJson = await SeriesAsync(state, Iterations, i => Record(state, i, withJson: false));

        var naive = new List<double>();
        long naiveBytes;
        using (var file = new BenchFile())
        using (var connection = file.Naive())
        {
            var size = file.CheckpointedBytes();
            for (var i = 0; i < Iterations; i++)
            {
                var t = Stopwatch.GetTimestamp();
                // What the store keeps, done the plain way: serialise it whole, one row, one commit.
                var json = JsonSerializer.SerializeToUtf8Bytes(Stored(WithOneContainerChanged(state, i)), DashboardJson.Options);
                using (var transaction = connection.BeginTransaction())
                using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = "INSERT INTO snapshots (taken_at, data) VALUES ($t, $d)";
                    command.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    command.Parameters.AddWithValue("$d", json);
                    command.ExecuteNonQuery();
                    transaction.Commit();
                }

                naive.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

            naiveBytes = (file.CheckpointedBytes() - size) / Iterations;
        }

        Console.WriteLine();
        Console.WriteLine("| snapshot write | n | p50 ms | p95 ms | max ms | bytes per snapshot |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        Row("store: first snapshot in a new file (every record new)", first, (long)firstBytes.Average());
        Row("store: one container changed since the last", changed.Ms, changed.Bytes);
        Row("store: nothing changed since the last", unchanged.Ms, unchanged.Bytes);
        Row("store: nothing changed, records serialised by the store", unchangedOwnJson.Ms, unchangedOwnJson.Bytes);
        Row("comparison: the stored part as one JSON row, one container changed", naive, naiveBytes);
        Row("store: reading a snapshot back (reachability derived again)", read, null);
    }

    /// <summary>
    /// Writes <paramref name="count"/> snapshots into one file after a first one; returns the time of each and the file's
    /// growth per snapshot (pages in use, so a byte count smaller than a page shows only over many snapshots).
    /// </summary>
    private static async Task<(List<double> Ms, long Bytes)> SeriesAsync(SnapshotState state, int count, Func<int, SnapshotRecord> next)
    {
        using var file = new BenchFile();
        using var store = file.Store();
        await store.SaveAsync(Record(state, -1, withJson: true), CancellationToken.None);
        var before = file.CheckpointedBytes();
        var ms = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var record = next(i);
            var t = Stopwatch.GetTimestamp();
            await store.SaveAsync(record, CancellationToken.None);
            ms.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        return (ms, (file.CheckpointedBytes() - before) / count);
    }

    /// <summary>The state without reachability, which the store derives again on reading rather than keeping.</summary>
    private static SnapshotState Stored(SnapshotState state) => state with { Reachability = new ReachabilityReport { Pairs = [] } };

    /// <summary>
    /// A record as the server hands it over: with <paramref name="withJson"/>, with the JSON of each record made
    /// beforehand, as the live diff makes it at every refresh whether or not a snapshot follows.
    /// </summary>
    private static SnapshotRecord Record(SnapshotState state, int version, bool withJson)
    {
        var record = new SnapshotRecord(state, SnapshotReason.Timer, "bench", version, DateTimeOffset.UtcNow);
        return withJson
            ? record with
            {
                Json =
                [
                    Json(state.Containers), Json(state.Namespaces), Json(state.Networks),
                    Json(state.NetworkNamespaces), Json(state.Topology.Nodes), Json(state.Topology.Edges),
                ],
            }
            : record;
    }

    private static IReadOnlyList<byte[]> Json<T>(IReadOnlyList<T> records) =>
        [.. records.Select(r => JsonSerializer.SerializeToUtf8Bytes(r, DashboardJson.Options))];

    /// <summary>The state with one container's record changed (another one each time), as a rename or a restart would.</summary>
    private static SnapshotState WithOneContainerChanged(SnapshotState state, int i)
    {
        var containers = state.Containers.ToList();
        var at = i % containers.Count;
        containers[at] = containers[at] with { Name = containers[at].Name + "-" + i.ToString(CultureInfo.InvariantCulture) };
        return state with { Containers = containers };
    }

    private static void Row(string what, List<double> ms, long? bytes)
    {
        ms.Sort();
        var b = bytes?.ToString("N0", CultureInfo.InvariantCulture) ?? "";
        Console.WriteLine($"| {what} | {ms.Count} | {Stats.Percentile(ms, 0.50):0.0} | {Stats.Percentile(ms, 0.95):0.0} | {ms[^1]:0.0} | {b} |");
    }

    private static async Task StartContainersAsync(int from, int to)
    {
        var started = Stopwatch.StartNew();
        await Parallel.ForAsync(from, to, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            await Shell.RunAsync("docker", "run", "-d", "--label", Label, "--network", $"{s_networkPrefix}{i % Networks}",
                "--name", $"{Prefix}c{i}", DockerScope.Image, "sleep", "1d"));
        Console.WriteLine($"// started containers {from}..{to - 1} in {started.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>The state as the real server records it: a snapshot taken through the API and read back.</summary>
    private static async Task<SnapshotState> CaptureAsync()
    {
        // The test host finds the server's content root from the test project's layout; the bench is elsewhere.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_DASHBOARD_SERVER", Path.Combine(Shell.RepositoryRoot, "src/Server"));
        using var factory = new DashboardFactory();
        var http = factory.CreateClient();
        http.Timeout = TimeSpan.FromMinutes(2);
        using var response = await http.PostAsync("/api/snapshots", null);
        response.EnsureSuccessStatusCode();
        var created = (await response.Content.ReadFromJsonAsync<SnapshotCreated>(DashboardJson.Options))!;
        var detail = (await http.GetFromJsonAsync<SnapshotDetail>($"/api/snapshots/{created.Snapshot.Id}", DashboardJson.Options))!;
        return detail.State;
    }

    private static void Cleanup()
    {
        var ids = Shell.RunAsync("docker", "ps", "-aq", "--filter", $"label={Label}").GetAwaiter().GetResult().Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var chunk in ids.Chunk(50))
        {
            Shell.RunAsync("docker", ["rm", "-f", .. chunk], TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
        }

        var networks = Shell.RunAsync("docker", "network", "ls", "-q", "--filter", $"label={Label}").GetAwaiter().GetResult().Out
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (networks.Length > 0)
        {
            Shell.RunAsync("docker", ["network", "rm", .. networks], check: false).GetAwaiter().GetResult();
        }
    }

    /// <summary>A database file in a folder of its own, removed afterwards.</summary>
    private sealed class BenchFile : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("dt-bench-snap-").FullName;

        private string FilePath => Path.Combine(_directory, "dashboard.db");

        public SqliteSnapshotStore Store() =>
            new(FilePath, SnapshotSchema.Migrations, TimeProvider.System, NullLogger<SqliteSnapshotStore>.Instance);

        /// <summary>The comparison's file: one table, the same journal and sync settings as the store.</summary>
        public SqliteConnection Naive()
        {
            var connection = new SqliteConnection($"Data Source={FilePath}");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; " +
                "CREATE TABLE snapshots (id INTEGER PRIMARY KEY AUTOINCREMENT, taken_at INTEGER NOT NULL, data BLOB NOT NULL);";
            command.ExecuteNonQuery();
            return connection;
        }

        /// <summary>The bytes of the file's pages in use (free pages left by deletes not counted), the log folded in.</summary>
        public long CheckpointedBytes()
        {
            if (!File.Exists(FilePath))
            {
                return 0;
            }

            using var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            command.ExecuteNonQuery();
            command.CommandText = "SELECT (SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count)";
            var pages = (long)command.ExecuteScalar()!;
            command.CommandText = "PRAGMA page_size";
            return pages * (long)command.ExecuteScalar()!;
        }

        public void Dispose()
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
