using System.Globalization;
using System.Text.Json;
using Dapper;
using Dashboard.Server.Configuration;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Storage;

/// <summary>
/// Snapshots in one SQLite file (WAL, <c>synchronous=FULL</c>, a busy timeout). Every record of a snapshot — a
/// container, a namespace, a network, a network namespace, a topology node or edge — is stored once as JSON, keyed by
/// a hash of its bytes; each part of a snapshot is a list of those ids, also stored once (<see cref="SnapshotContent"/>);
/// a snapshot is a row naming one list per part, in the column the part is named by (<see cref="StatePart.Name"/>).
/// A snapshot of an unchanged host therefore costs one row. Reachability is not stored: it is derived from the
/// containers and networks, so it is derived again when a snapshot is read. A write is one transaction: a crash loses
/// at most the snapshot being written. The file, its connections and its health are in the other half of this class.
/// </summary>
internal sealed partial class SqliteSnapshotStore : ISnapshotStore, IDisposable
{
    // The snapshot row's list columns, one per part in the order of StateParts.All.
    private static readonly string s_listColumns = string.Join(", ", StateParts.All.Select(p => p.Name));

    private readonly string _path;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly SnapshotContent _content;

    private static readonly string s_insertSnapshot =
        "INSERT INTO snapshots (taken_at, reason, epoch, version, container_count, namespace_count, " + s_listColumns + ") " +
        "VALUES (@TakenAt, @Reason, @Epoch, @Version, @ContainerCount, @NamespaceCount, " +
        string.Join(", ", StateParts.All.Select((_, p) => "@list" + p.ToString(CultureInfo.InvariantCulture))) + ") RETURNING id";

    public SqliteSnapshotStore(IOptions<DashboardOptions> options, TimeProvider time, ILogger<SqliteSnapshotStore> logger)
        : this(options.Value.DatabasePath, SnapshotSchema.Migrations, time, logger)
    {
    }

    /// <param name="busyTimeout">How long a statement waits for a lock another connection holds (default 5 s).</param>
    /// <param name="reopenDelay">How long after a failed open the file is tried again (default 30 s).</param>
    internal SqliteSnapshotStore(
        string path,
        IReadOnlyList<SchemaMigration> migrations,
        TimeProvider time,
        ILogger<SqliteSnapshotStore> logger,
        TimeSpan? busyTimeout = null,
        TimeSpan? reopenDelay = null)
    {
        _reopenDelay = reopenDelay ?? TimeSpan.FromSeconds(30);
        _path = System.IO.Path.GetFullPath(path);
        _content = new SnapshotContent(_path);
        _busyTimeoutMs = (int)(busyTimeout ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;
        _migrations = migrations;
        _time = time;
        _logger = logger;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = Math.Max(1, _busyTimeoutMs / 1000),
        }.ToString();
        _status = new StorageStatus { State = StorageState.Starting, Path = _path };
    }

    public string FilePath => _path;

    public Task<SnapshotSummary> SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken) =>
        SaveAsync(snapshot, null, cancellationToken);

    /// <summary>
    /// Writes one snapshot and, in the same transaction, removes what <paramref name="retention"/> no longer keeps: a
    /// reader never sees more snapshots than the limit, not even between the write and the retention.
    /// </summary>
    public async Task<SnapshotSummary> SaveAsync(SnapshotRecord snapshot, RetentionOptions? retention, CancellationToken cancellationToken)
    {
        // Serialise and hash before taking the file: it is the costly part and needs no lock.
        var parts = SnapshotContent.Encode(snapshot);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var connection = Writer();
            var items = new Dictionary<UInt128, long>();
            var lists = new Dictionary<UInt128, long>();
            long id;
            var expired = 0;
            try
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                _content.StoreItems(connection, transaction, parts, items);
                var listIds = new long[parts.Length];
                for (var p = 0; p < parts.Length; p++)
                {
                    var ids = new long[parts[p].Length];
                    for (var i = 0; i < ids.Length; i++)
                    {
                        ids[i] = items[parts[p][i].Hash];
                    }

                    listIds[p] = _content.StoreList(connection, transaction, ids, lists);
                }

                var row = new DynamicParameters(new
                {
                    TakenAt = snapshot.TakenAt.ToUnixTimeMilliseconds(),
                    Reason = ReasonName(snapshot.Reason),
                    snapshot.Epoch,
                    snapshot.Version,
                    ContainerCount = snapshot.State.Containers.Count,
                    NamespaceCount = snapshot.State.Namespaces.Count,
                });
                for (var p = 0; p < listIds.Length; p++)
                {
                    row.Add("list" + p.ToString(CultureInfo.InvariantCulture), listIds[p]);
                }

                id = connection.ExecuteScalar<long>(s_insertSnapshot, row, transaction);
                foreach (var list in listIds)
                {
                    connection.Execute("UPDATE lists SET refs = refs + 1 WHERE id = @list", new { list }, transaction);
                }

                if (retention is not null)
                {
                    expired = Expire(connection, transaction, retention.MaxAge, retention.MaxCount, snapshot.TakenAt);
                }

                transaction.Commit();
            }
            catch (SqliteException e)
            {
                throw Failed("writing a snapshot", e);
            }

            _content.Remember(items, lists);
            var summary = new SnapshotSummary
            {
                Id = id,
                // What was stored, to the millisecond, so that the summary equals what a read gives back.
                TakenAt = DateTimeOffset.FromUnixTimeMilliseconds(snapshot.TakenAt.ToUnixTimeMilliseconds()),
                Reason = snapshot.Reason,
                Epoch = snapshot.Epoch,
                Version = snapshot.Version,
                ContainerCount = snapshot.State.Containers.Count,
                NamespaceCount = snapshot.State.Namespaces.Count,
            };
            Healthy(connection);
            if (expired > 0)
            {
                LogRetention(expired);
            }

            return summary;
        }
        finally
        {
            _writing.Release();
        }
    }

    public async Task<SnapshotPage> ListAsync(DateTimeOffset? from, DateTimeOffset? to, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await ReaderAsync(cancellationToken);
        try
        {
            var range = new { From = from?.ToUnixTimeMilliseconds(), To = to?.ToUnixTimeMilliseconds(), Limit = limit, Offset = offset };
            const string Where = "WHERE (@From IS NULL OR taken_at >= @From) AND (@To IS NULL OR taken_at <= @To)";
            using var transaction = connection.BeginTransaction(deferred: true);
            var total = await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM snapshots {Where}", range, transaction);
            var rows = await connection.QueryAsync<SnapshotRow>(
                $"SELECT {SnapshotRow.Columns} FROM snapshots {Where} ORDER BY taken_at DESC, id DESC LIMIT @Limit OFFSET @Offset",
                range,
                transaction);
            return new SnapshotPage { Items = [.. rows.Select(r => r.ToSummary())], Total = total };
        }
        catch (SqliteException e)
        {
            throw Unreadable("listing snapshots", e);
        }
    }

    public async Task<SnapshotDetail?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await ReaderAsync(cancellationToken);
        try
        {
            // One read transaction: the lists and items are those of the same moment as the row.
            using var transaction = connection.BeginTransaction(deferred: true);
            var row = await connection.QuerySingleOrDefaultAsync<SnapshotRow>(
                $"SELECT {SnapshotRow.Columns} FROM snapshots WHERE id = @id", new { id }, transaction);
            if (row is null)
            {
                return null;
            }

            var lists = ReadListIds(connection, $"SELECT {s_listColumns} FROM snapshots WHERE id = @id", id, transaction)
                ?? throw new SnapshotStoreUnavailableException($"Snapshot {id} in {_path} went while it was read.");
            var state = _content.ReadState(connection, transaction, lists);
            return new SnapshotDetail { Snapshot = row.ToSummary(), State = state };
        }
        catch (SqliteException e)
        {
            throw Unreadable($"reading snapshot {id}", e);
        }
        catch (JsonException e)
        {
            throw new SnapshotStoreUnavailableException($"Snapshot {id} in {_path} holds a record this version cannot read: {e.Message}", e);
        }
    }

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken) =>
        await InWriteTransactionAsync($"deleting snapshot {id}", (connection, transaction) => Remove(connection, transaction, [id]), cancellationToken) > 0;

    public async Task<int> ApplyRetentionAsync(TimeSpan? maxAge, int? maxCount, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (maxAge is null && maxCount is null)
        {
            return 0;
        }

        return await InWriteTransactionAsync("applying retention", (connection, transaction) => Expire(connection, transaction, maxAge, maxCount, now), cancellationToken);
    }

    /// <summary>Removes the snapshots older than <paramref name="maxAge"/> and beyond the newest <paramref name="maxCount"/>.</summary>
    private int Expire(SqliteConnection connection, SqliteTransaction transaction, TimeSpan? maxAge, int? maxCount, DateTimeOffset now)
    {
        var expired = new HashSet<long>();
        if (maxAge is { } age)
        {
            expired.UnionWith(connection.Query<long>(
                "SELECT id FROM snapshots WHERE taken_at < @cutoff",
                new { cutoff = (now - age).ToUnixTimeMilliseconds() },
                transaction));
        }

        if (maxCount is { } count)
        {
            expired.UnionWith(connection.Query<long>(
                "SELECT id FROM snapshots ORDER BY taken_at DESC, id DESC LIMIT -1 OFFSET @count",
                new { count },
                transaction));
        }

        return expired.Count == 0 ? 0 : Remove(connection, transaction, [.. expired]);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction on the writer connection (removals: it returns how many
    /// snapshots went); a failure sets the status to failing with <paramref name="what"/> and throws.
    /// </summary>
    private async Task<int> InWriteTransactionAsync(string what, Func<SqliteConnection, SqliteTransaction, int> work, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var connection = Writer();
            int removed;
            try
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                removed = work(connection, transaction);
                transaction.Commit();
            }
            catch (SqliteException e)
            {
                throw Failed(what, e);
            }

            if (removed > 0 || Status.State != StorageState.Ok)
            {
                Healthy(connection);
            }

            return removed;
        }
        finally
        {
            _writing.Release();
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        _writing.Dispose();
    }

    /// <summary>Removes the snapshots and whatever lists and items only they used; returns how many snapshots went.</summary>
    private int Remove(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<long> ids)
    {
        var removed = 0;
        // Each list as often as the removed snapshots name it: that many references go.
        var lists = new List<long>();
        foreach (var id in ids)
        {
            if (ReadListIds(connection, $"DELETE FROM snapshots WHERE id = @id RETURNING {s_listColumns}", id, transaction) is not { } named)
            {
                continue;
            }

            removed++;
            lists.AddRange(named);
        }

        if (removed > 0)
        {
            _content.Release(connection, transaction, lists);
        }

        return removed;
    }

    /// <summary>The list ids of the row <paramref name="sql"/> gives (it selects the list columns); null when there is none.</summary>
    private static long[]? ReadListIds(SqliteConnection connection, string sql, long id, SqliteTransaction transaction)
    {
        using var reader = connection.ExecuteReader(sql, new { id }, transaction);
        if (!reader.Read())
        {
            return null;
        }

        var lists = new long[reader.FieldCount];
        for (var i = 0; i < lists.Length; i++)
        {
            lists[i] = reader.GetInt64(i);
        }

        return lists;
    }

    internal static string ReasonName(SnapshotReason reason) => reason switch
    {
        SnapshotReason.Timer => "timer",
        SnapshotReason.Change => "change",
        SnapshotReason.Manual => "manual",
        SnapshotReason.Startup => "startup",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    internal static SnapshotReason ParseReason(string name) => name switch
    {
        "timer" => SnapshotReason.Timer,
        "change" => SnapshotReason.Change,
        "manual" => SnapshotReason.Manual,
        "startup" => SnapshotReason.Startup,
        _ => throw new SnapshotStoreUnavailableException($"A snapshot has a reason this version does not know: '{name}'."),
    };

    /// <summary>A row of <c>snapshots</c> as Dapper maps it (settable properties, SQLite's own types).</summary>
    private sealed class SnapshotRow
    {
        public const string Columns =
            "id AS Id, taken_at AS TakenAt, reason AS Reason, epoch AS Epoch, version AS Version, " +
            "container_count AS ContainerCount, namespace_count AS NamespaceCount";

        public long Id { get; set; }
        public long TakenAt { get; set; }
        public string Reason { get; set; } = "";
        public string Epoch { get; set; } = "";
        public long Version { get; set; }
        public long ContainerCount { get; set; }
        public long NamespaceCount { get; set; }
        public SnapshotSummary ToSummary() => new()
        {
            Id = Id,
            TakenAt = DateTimeOffset.FromUnixTimeMilliseconds(TakenAt),
            Reason = ParseReason(Reason),
            Epoch = Epoch,
            Version = Version,
            ContainerCount = (int)ContainerCount,
            NamespaceCount = (int)NamespaceCount,
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention removed {Count} snapshots")]
    private partial void LogRetention(int count);
}
