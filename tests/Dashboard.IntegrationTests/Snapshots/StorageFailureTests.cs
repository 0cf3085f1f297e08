using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Snapshots;

/// <summary>
/// A read-only or full disk and a locked file, made for real: a small tmpfs of the test's own, remounted read-only
/// or filled; another connection holding the write lock. The store reports each, keeps what it had, and recovers.
/// </summary>
public sealed class StorageFailureTests(HostStateFixture host) : IClassFixture<HostStateFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AReadOnlyDiskIsReportedAndWorksAgainOnceWritable()
    {
        await using var disk = await SmallDisk.MountAsync("4m");
        using var temp = new TempStore(disk.Path);
        var kept = await temp.SaveAsync(host.State);

        // As a restarted server finds it: the disk went read-only while nothing had the file open.
        temp.Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await disk.RemountAsync("ro");
        var bytes = await File.ReadAllBytesAsync(temp.FilePath, Ct);
        var store = temp.Reopen();
        var error = await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => temp.SaveAsync(host.State));

        Assert.NotEqual(StorageState.Ok, store.Status.State);
        Assert.True(store.Status.Error?.Contains("read-only", StringComparison.OrdinalIgnoreCase), store.Status.Error);
        Assert.Equal(error.Message, store.Status.Error);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(temp.FilePath, Ct));

        // Writable again: the next write works, the status says so, and nothing was lost.
        await disk.RemountAsync("rw");
        var next = await temp.SaveAsync(SqliteSnapshotStoreTests.WithOneNamespaceChanged(host.State, 1));
        Assert.Equal(StorageState.Ok, store.Status.State);
        Assert.Equal(2, store.Status.SnapshotCount);
        Assert.Equal(StateJson.Of(host.State), StateJson.Of((await store.GetAsync(kept.Id, Ct))!.State));
        Assert.NotNull(await store.GetAsync(next.Id, Ct));
        Assert.Equal("ok", temp.IntegrityCheck());
    }

    [Fact]
    public async Task AFullDiskIsReportedAndLosesOnlyTheSnapshotBeingWritten()
    {
        await using var disk = await SmallDisk.MountAsync("512k");
        using var temp = new TempStore(disk.Path);
        var written = new Dictionary<long, string>();
        SnapshotStoreUnavailableException? full = null;
        for (var i = 0; i < 10_000 && full is null; i++)
        {
            // Every snapshot brings records of its own, so the file grows until the disk is full.
            var state = WithNewContent(host.State, i);
            try
            {
                written[(await temp.SaveAsync(state)).Id] = StateJson.Of(state);
            }
            catch (SnapshotStoreUnavailableException e)
            {
                full = e;
            }
        }

        Assert.NotNull(full);
        Assert.Equal(StorageState.Failing, temp.Store.Status.State);
        Assert.Contains("full", temp.Store.Status.Error, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(written);
        foreach (var (id, json) in written)
        {
            Assert.Equal(json, StateJson.Of((await temp.Store.GetAsync(id, Ct))!.State));
        }

        Assert.Equal(written.Count, (await temp.Store.ListAsync(null, null, 500, 0, Ct)).Total);
        Assert.Equal("ok", temp.IntegrityCheck());

        // Even removing a snapshot needs room (SQLite writes the change to its log first): room must be made outside.
        await disk.RemountAsync("size=4m");
        await temp.SaveAsync(host.State);
        Assert.Equal(StorageState.Ok, temp.Store.Status.State);
        Assert.Equal(written.Count + 1, temp.Store.Status.SnapshotCount);
    }

    [Fact]
    public async Task AFileLockedByAnotherProcessIsReportedThenWorksAgain()
    {
        using var temp = new TempStore(busyTimeout: TimeSpan.FromMilliseconds(300));
        var kept = await temp.SaveAsync(host.State);

        using (var other = temp.Connect())
        using (var command = other.CreateCommand())
        {
            command.CommandText = "BEGIN EXCLUSIVE";
            command.ExecuteNonQuery();

            await Assert.ThrowsAsync<SnapshotStoreUnavailableException>(() => temp.SaveAsync(SqliteSnapshotStoreTests.WithOneNamespaceChanged(host.State, 2)));
            Assert.Equal(StorageState.Failing, temp.Store.Status.State);
            Assert.Contains("locked", temp.Store.Status.Error, StringComparison.OrdinalIgnoreCase);

            command.CommandText = "ROLLBACK";
            command.ExecuteNonQuery();
        }

        await temp.SaveAsync(host.State);
        Assert.Equal(StorageState.Ok, temp.Store.Status.State);
        Assert.Equal(2, temp.Store.Status.SnapshotCount);
        Assert.NotNull(await temp.Store.GetAsync(kept.Id, Ct));
    }

    /// <summary>The state with a container list that is new for each <paramref name="i"/> and large enough to fill a disk soon.</summary>
    private static SnapshotState WithNewContent(SnapshotState state, int i)
    {
        var padding = new string((char)('a' + i % 26), 4096) + i;
        var node = new TopologyNode { Id = $"dt-filler-{i}", Kind = "host", Label = padding, Details = new Dictionary<string, string>() };
        return state with { Topology = state.Topology with { Nodes = [.. state.Topology.Nodes, node] } };
    }

    /// <summary>A tmpfs of the test's own, so that read-only and full are real and touch nothing else.</summary>
    private sealed class SmallDisk : IAsyncDisposable
    {
        private SmallDisk(string path) => Path = path;

        public string Path { get; }

        public static async Task<SmallDisk> MountAsync(string size)
        {
            Requirements.Root();
            var path = Directory.CreateTempSubdirectory("dt-disk-").FullName;
            await Shell.RunAsync("mount", "-t", "tmpfs", "-o", $"size={size}", "dt-disk", path);
            return new SmallDisk(path);
        }

        public Task RemountAsync(string mode) => Shell.RunAsync("mount", "-o", $"remount,{mode}", Path);

        public async ValueTask DisposeAsync()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await Shell.RunAsync("umount", ["-l", Path], check: false);
            Directory.Delete(Path, recursive: true);
        }
    }
}
