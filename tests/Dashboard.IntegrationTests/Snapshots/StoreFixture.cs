using System.Net;
using System.Net.Http.Json;
using Dashboard.IntegrationTests.Api;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.IntegrationTests.Snapshots;

/// <summary>The host's real state, as the server records it, for the store tests to write and read back.</summary>
public sealed class HostStateFixture : IAsyncLifetime
{
    private DashboardFactory? _factory;

    public SnapshotState State { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _factory = new DashboardFactory();
        var http = _factory.CreateClient();
        using var response = await http.PostAsync("/api/snapshots", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<SnapshotCreated>(DashboardJson.Options))!;
        State = (await http.GetJsonAsync<SnapshotDetail>($"/api/snapshots/{created.Snapshot.Id}")).State;
        Assert.NotEmpty(State.Namespaces);
        Assert.NotEmpty(State.NetworkNamespaces);
        Assert.NotEmpty(State.Topology.Nodes);
    }

    public ValueTask DisposeAsync()
    {
        _factory?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A store on a file of its own in a folder that goes away with it.</summary>
internal sealed class TempStore : IDisposable
{
    private readonly TimeSpan? _busyTimeout;
    private int _version;

    public TempStore(string? directory = null, IReadOnlyList<SchemaMigration>? migrations = null, TimeSpan? busyTimeout = null)
    {
        _busyTimeout = busyTimeout;
        Directory = directory ?? System.IO.Directory.CreateTempSubdirectory("dt-store-").FullName;
        OwnsDirectory = directory is null;
        FilePath = Path.Combine(Directory, "dashboard.db");
        Store = Open(migrations, busyTimeout);
    }

    public string Directory { get; }
    public string FilePath { get; }
    public bool OwnsDirectory { get; }
    public SqliteSnapshotStore Store { get; private set; }

    /// <summary>A store on the file; it tries a file it could not open again at once, not after the server's 30 s.</summary>
    public SqliteSnapshotStore Open(IReadOnlyList<SchemaMigration>? migrations = null, TimeSpan? busyTimeout = null) =>
        new(FilePath, migrations ?? SnapshotSchema.Migrations, TimeProvider.System, NullLogger<SqliteSnapshotStore>.Instance,
            busyTimeout ?? _busyTimeout, reopenDelay: TimeSpan.Zero);

    /// <summary>Closes the store and opens the file again, as a restarted server would.</summary>
    public SqliteSnapshotStore Reopen()
    {
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        Store = Open();
        return Store;
    }

    public Task<SnapshotSummary> SaveAsync(SnapshotState state, DateTimeOffset? at = null, SnapshotReason reason = SnapshotReason.Manual) =>
        Store.SaveAsync(new SnapshotRecord(state, reason, "test-epoch", ++_version, at ?? DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);

    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public long Scalar(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The main file's size once the write-ahead log is folded into it.</summary>
    public long CheckpointedBytes()
    {
        using (var connection = Connect())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            command.ExecuteNonQuery();
        }

        return new FileInfo(FilePath).Length;
    }

    public string IntegrityCheck()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        Store.Dispose();
        SqliteConnection.ClearAllPools();
        if (OwnsDirectory && System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

internal static class StateJson
{
    public static string Of(SnapshotState state) => System.Text.Json.JsonSerializer.Serialize(state, DashboardJson.Options);
}
