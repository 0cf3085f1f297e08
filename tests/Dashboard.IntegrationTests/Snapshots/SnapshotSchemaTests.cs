using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Microsoft.Data.Sqlite;

namespace Dashboard.IntegrationTests.Snapshots;

/// <summary>Schema versions and migrations on real SQLite files.</summary>
public sealed class SnapshotSchemaTests(HostStateFixture host) : IClassFixture<HostStateFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANewFileGetsTheCurrentSchemaInWalMode()
    {
        using var temp = new TempStore(Directory.CreateTempSubdirectory("dt-store-").FullName + "/nested/folder");
        await temp.Store.OpenAsync(Ct);

        Assert.Equal(StorageState.Ok, temp.Store.Status.State);
        Assert.True(File.Exists(temp.FilePath));
        Assert.Equal(SnapshotSchema.CurrentVersion, temp.Scalar("PRAGMA user_version"));
        using var connection = temp.Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(temp.Directory))!, recursive: true);
    }

    [Fact]
    public async Task EveryEarlierVersionIsBroughtUpToDate()
    {
        // From an empty file (version 0) and from each version a released build could have left.
        for (var version = 0; version < SnapshotSchema.CurrentVersion; version++)
        {
            using var temp = new TempStore();
            using (var connection = temp.Connect())
            {
                SnapshotSchema.Migrate(connection, SnapshotSchema.Migrations.Where(m => m.Version <= version).ToList(), temp.FilePath);
            }

            SqliteConnection.ClearAllPools();
            Assert.Equal(version, temp.Scalar("PRAGMA user_version"));
            var saved = await temp.SaveAsync(host.State);

            Assert.Equal(SnapshotSchema.CurrentVersion, temp.Scalar("PRAGMA user_version"));
            Assert.Equal(StateJson.Of(host.State), StateJson.Of((await temp.Store.GetAsync(saved.Id, Ct))!.State));
        }
    }

    [Fact]
    public void TheRunnerAppliesEachMissingStepOnceInOrder()
    {
        SchemaMigration[] steps =
        [
            new(1, "a", "CREATE TABLE log (step INTEGER);"),
            new(2, "b", "INSERT INTO log VALUES (2);"),
            new(3, "c", "INSERT INTO log VALUES (3);"),
        ];
        for (var start = 0; start <= 3; start++)
        {
            using var temp = new TempStore();
            using var connection = temp.Connect();
            Assert.Equal(start, SnapshotSchema.Migrate(connection, steps[..start], temp.FilePath));
            Assert.Equal(3, SnapshotSchema.Migrate(connection, steps, temp.FilePath));
            Assert.Equal(3, SnapshotSchema.Migrate(connection, steps, temp.FilePath));

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT group_concat(step, ',') FROM log";
            // Whatever the start, steps 2 and 3 ran exactly once each, in order.
            Assert.Equal("2,3", command.ExecuteScalar());
        }
    }

    [Fact]
    public void AFailingStepLeavesTheFileAtTheStepBefore()
    {
        using var temp = new TempStore();
        using var connection = temp.Connect();
        SchemaMigration[] steps =
        [
            new(1, "a", "CREATE TABLE t (x INTEGER);"),
            new(2, "broken", "CREATE TABLE u (y INTEGER); INSERT INTO missing VALUES (1);"),
        ];

        Assert.Throws<SqliteException>(() => SnapshotSchema.Migrate(connection, steps, temp.FilePath));
        Assert.Equal(1, SnapshotSchema.ReadVersion(connection));
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_schema WHERE name = 'u'";
        Assert.Equal(0L, command.ExecuteScalar());
    }

    [Fact]
    public async Task ANewerSchemaIsRefusedAndLeftUntouched()
    {
        using var temp = new TempStore();
        await temp.SaveAsync(host.State);
        temp.Store.Dispose();
        SqliteConnection.ClearAllPools();
        using (var connection = temp.Connect())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"PRAGMA user_version = {SnapshotSchema.CurrentVersion + 1}; PRAGMA wal_checkpoint(TRUNCATE);";
            command.ExecuteNonQuery();
        }

        var bytes = await File.ReadAllBytesAsync(temp.FilePath, Ct);
        var store = temp.Reopen();
        await store.OpenAsync(Ct);

        Assert.Equal(StorageState.Unavailable, store.Status.State);
        Assert.Contains("newer", store.Status.Error, StringComparison.Ordinal);
        Assert.Contains($"schema version {SnapshotSchema.CurrentVersion + 1}", store.Status.Error, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => temp.SaveAsync(host.State));
        await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => store.ListAsync(null, null, 10, 0, Ct));
        store.Dispose();
        SqliteConnection.ClearAllPools();
        Assert.Equal(bytes, await File.ReadAllBytesAsync(temp.FilePath, Ct));
    }

    [Fact]
    public async Task AnotherApplicationsDatabaseIsRefusedAndLeftUntouched()
    {
        using var temp = new TempStore();
        temp.Store.Dispose();
        using (var connection = temp.Connect())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);";
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(temp.FilePath, Ct);
        var store = temp.Reopen();
        await store.OpenAsync(Ct);

        Assert.Equal(StorageState.Unavailable, store.Status.State);
        Assert.Contains("something else", store.Status.Error, StringComparison.Ordinal);
        store.Dispose();
        SqliteConnection.ClearAllPools();
        Assert.Equal(bytes, await File.ReadAllBytesAsync(temp.FilePath, Ct));
        Assert.Equal(0, temp.Scalar("PRAGMA user_version"));
    }
}
