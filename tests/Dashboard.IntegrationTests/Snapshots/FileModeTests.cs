using System.Collections.Concurrent;
using Dashboard.IntegrationTests.Access;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Dashboard.IntegrationTests.Snapshots;

/// <summary>The database, its folder and SQLite's files beside it are the server's user's only: real files, real modes.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FileModeTests(HostStateFixture host) : IClassFixture<HostStateFixture>
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task ANewDatabaseItsFolderAndItsWalAndShmAreOwnerOnly()
    {
        var root = Directory.CreateTempSubdirectory("dt-modes-").FullName;
        try
        {
            var folder = Path.Combine(root, "data");
            var path = Path.Combine(folder, "dashboard.db");
            var (store, _) = Open(path);
            using (store)
            {
                await SaveAsync(store);
                // While the store is open, the write-ahead log and the shared memory file are there.
                Assert.True(System.IO.File.Exists(path + "-wal") && System.IO.File.Exists(path + "-shm"), "no -wal or -shm beside the database");
                Assert.Equal(Folder, System.IO.File.GetUnixFileMode(folder));
                Assert.Equal(File, System.IO.File.GetUnixFileMode(path));
                Assert.Equal(File, System.IO.File.GetUnixFileMode(path + "-wal"));
                Assert.Equal(File, System.IO.File.GetUnixFileMode(path + "-shm"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task ALooserExistingDatabaseIsTightenedAndSaidSoAnExistingFolderIsLeftAlone()
    {
        var root = Directory.CreateTempSubdirectory("dt-modes-").FullName;
        try
        {
            const UnixFileMode open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            System.IO.File.SetUnixFileMode(root, open);
            var path = Path.Combine(root, "dashboard.db");
            var (first, _) = Open(path);
            using (first)
            {
                await SaveAsync(first);
            }

            SqliteConnection.ClearAllPools();
            System.IO.File.SetUnixFileMode(path, File | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);

            var (second, log) = Open(path);
            using (second)
            {
                // What was stored is still there, and SQLite's new files take the tightened mode.
                Assert.Single((await second.ListAsync(null, null, 10, 0, TestContext.Current.CancellationToken)).Items);
                await SaveAsync(second);
                Assert.Equal(File, System.IO.File.GetUnixFileMode(path));
                Assert.Equal(File, System.IO.File.GetUnixFileMode(path + "-wal"));
                Assert.Equal(File, System.IO.File.GetUnixFileMode(path + "-shm"));
            }

            Assert.Equal(open, System.IO.File.GetUnixFileMode(root));
            Assert.Contains(log, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(path) && l.Contains("0646") && l.Contains("0600") && l.Contains("command lines"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    private static (SqliteSnapshotStore Store, ConcurrentQueue<string> Log) Open(string path)
    {
        var log = new ConcurrentQueue<string>();
        var loggers = LoggerFactory.Create(b => b.AddProvider(new CapturingLoggerProvider(log)));
        return (new SqliteSnapshotStore(path, SnapshotSchema.Migrations, TimeProvider.System, loggers.CreateLogger<SqliteSnapshotStore>(), reopenDelay: TimeSpan.Zero), log);
    }

    private Task SaveAsync(SqliteSnapshotStore store) =>
        store.SaveAsync(new SnapshotRecord(host.State, SnapshotReason.Manual, "test-epoch", 1, DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
}
