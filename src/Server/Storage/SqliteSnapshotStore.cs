using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Dashboard.Server.Configuration;
using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Storage;

/// <summary>
/// Snapshots in one SQLite file (WAL, <c>synchronous=FULL</c>, a busy timeout). Every record of a snapshot — a
/// container, a namespace, a network, a network namespace, a topology node or edge — is stored once as JSON, keyed by
/// the first 128 bits of the SHA-256 of its bytes; each part of a snapshot is a list of those ids, also stored once; a
/// snapshot is a row naming its six lists. A snapshot of an unchanged host therefore costs one row. Reachability is
/// not stored: it is derived from the containers and networks, so it is derived again when a snapshot is read.
/// A write is one transaction: a crash loses at most the snapshot being written.
/// </summary>
internal sealed partial class SqliteSnapshotStore : ISnapshotStore, IDisposable
{
    private static readonly JsonSerializerOptions s_json = DashboardJson.Options;

    private readonly string _path;
    private readonly string _connectionString;
    private readonly IReadOnlyList<SchemaMigration> _migrations;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteSnapshotStore> _logger;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Lock _lock = new();

    // Guarded by _writing.
    private SqliteConnection? _writer;
    private DateTimeOffset? _lastOpenFailure;
    // Hash → id of what the last snapshot written holds, so that the next one looks up only what is new.
    private Dictionary<UInt128, long> _knownItems = [];
    private Dictionary<UInt128, long> _knownLists = [];

    private readonly int _busyTimeoutMs;
    private readonly TimeSpan _reopenDelay;
    private StorageStatus _status;
    private int _schemaVersion;

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

    public StorageStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>Opens the file and brings its schema up to date, if not done yet; the status says how it went.</summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            Writer();
        }
        catch (SnapshotStoreUnavailableException)
        {
            // Reported in the status.
        }
        finally
        {
            _writing.Release();
        }
    }

    public async Task<SnapshotSummary> SaveAsync(SnapshotRecord snapshot, CancellationToken cancellationToken)
    {
        // Serialise and hash before taking the file: it is the costly part and needs no lock.
        var parts = Encode(snapshot);
        await _writing.WaitAsync(cancellationToken);
        try
        {
            var connection = Writer();
            var items = new Dictionary<UInt128, long>();
            var lists = new Dictionary<UInt128, long>();
            long id;
            try
            {
                using var transaction = connection.BeginTransaction(deferred: false);
                StoreItems(connection, transaction, parts, items);
                var listIds = new long[parts.Length];
                for (var p = 0; p < parts.Length; p++)
                {
                    var ids = new long[parts[p].Length];
                    for (var i = 0; i < ids.Length; i++)
                    {
                        ids[i] = items[parts[p][i].Hash];
                    }

                    listIds[p] = StoreList(connection, transaction, ids, lists);
                }

                id = connection.ExecuteScalar<long>(
                    """
                    INSERT INTO snapshots (taken_at, reason, epoch, version, container_count, namespace_count,
                                           containers, namespaces, networks, netns, nodes, edges)
                    VALUES (@TakenAt, @Reason, @Epoch, @Version, @ContainerCount, @NamespaceCount,
                            @Containers, @Namespaces, @Networks, @Netns, @Nodes, @Edges)
                    RETURNING id
                    """,
                    new
                    {
                        TakenAt = snapshot.TakenAt.ToUnixTimeMilliseconds(),
                        Reason = ReasonName(snapshot.Reason),
                        snapshot.Epoch,
                        snapshot.Version,
                        ContainerCount = snapshot.State.Containers.Count,
                        NamespaceCount = snapshot.State.Namespaces.Count,
                        Containers = listIds[0], Namespaces = listIds[1], Networks = listIds[2],
                        Netns = listIds[3], Nodes = listIds[4], Edges = listIds[5],
                    },
                    transaction);
                foreach (var list in listIds)
                {
                    connection.Execute("UPDATE lists SET refs = refs + 1 WHERE id = @list", new { list }, transaction);
                }

                transaction.Commit();
            }
            catch (SqliteException e)
            {
                throw Failed("writing a snapshot", e);
            }

            (_knownItems, _knownLists) = (items, lists);
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

            var containers = ReadList<ContainerInfo>(connection, transaction, row.Containers);
            var networks = ReadList<DockerNetworkInfo>(connection, transaction, row.Networks);
            var netns = ReadList<NetnsInfo>(connection, transaction, row.Netns);
            var state = new SnapshotState
            {
                Containers = containers,
                Namespaces = ReadList<NamespaceSummary>(connection, transaction, row.Namespaces),
                Networks = networks,
                NetworkNamespaces = netns,
                Topology = new TopologyGraph
                {
                    Nodes = ReadList<TopologyNode>(connection, transaction, row.Nodes),
                    Edges = ReadList<TopologyEdge>(connection, transaction, row.Edges),
                },
            };
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

        return await InWriteTransactionAsync("applying retention", (connection, transaction) =>
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
        }, cancellationToken);
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
        var touchedLists = new HashSet<long>();
        foreach (var id in ids)
        {
            var lists = connection.Query<ListRefs>(
                "DELETE FROM snapshots WHERE id = @id RETURNING containers, namespaces, networks, netns, nodes, edges",
                new { id },
                transaction).SingleOrDefault();
            if (lists is null)
            {
                continue;
            }

            removed++;
            foreach (var list in lists.All)
            {
                connection.Execute("UPDATE lists SET refs = refs - 1 WHERE id = @list", new { list }, transaction);
                touchedLists.Add(list);
            }
        }

        if (removed == 0)
        {
            return 0;
        }

        // Only what the removed snapshots named can have lost its last reference: no scan of the rest.
        var goneLists = connection.Query<(long Id, byte[] Items)>(
            "DELETE FROM lists WHERE id IN (SELECT value FROM json_each(@ids)) AND refs <= 0 RETURNING id, items",
            new { ids = JsonArray(touchedLists) },
            transaction).ToList();
        var touchedItems = new HashSet<long>();
        foreach (var (_, packed) in goneLists)
        {
            var items = ItemIdList.Decode(packed);
            touchedItems.UnionWith(items);
            connection.Execute(
                "UPDATE items SET refs = refs - 1 WHERE id IN (SELECT value FROM json_each(@ids))",
                new { ids = JsonArray(items) },
                transaction);
        }

        var goneItems = touchedItems.Count == 0
            ? []
            : connection.Query<long>(
                "DELETE FROM items WHERE id IN (SELECT value FROM json_each(@ids)) AND refs <= 0 RETURNING id",
                new { ids = JsonArray(touchedItems) },
                transaction).ToHashSet();
        // The caches may only name what is still stored.
        if (goneItems.Count > 0)
        {
            _knownItems = _knownItems.Where(e => !goneItems.Contains(e.Value)).ToDictionary();
        }

        if (goneLists.Count > 0)
        {
            var ids2 = goneLists.Select(l => l.Id).ToHashSet();
            _knownLists = _knownLists.Where(e => !ids2.Contains(e.Value)).ToDictionary();
        }

        return removed;
    }

    /// <summary>
    /// Fills <paramref name="ids"/> with the id of every record of the snapshot: from what the last snapshot held, then
    /// by one lookup of the rest, then by inserting what is new, through one prepared statement.
    /// </summary>
    private void StoreItems(SqliteConnection connection, SqliteTransaction transaction, EncodedItem[][] parts, Dictionary<UInt128, long> ids)
    {
        var unknown = new Dictionary<UInt128, EncodedItem>();
        foreach (var item in parts.SelectMany(p => p))
        {
            if (_knownItems.TryGetValue(item.Hash, out var known))
            {
                ids[item.Hash] = known;
            }
            else
            {
                unknown.TryAdd(item.Hash, item);
            }
        }

        foreach (var chunk in unknown.Keys.Chunk(4096))
        {
            var hexes = "[" + string.Join(',', chunk.Select(h => "\"" + h.ToString("X32", CultureInfo.InvariantCulture) + "\"")) + "]";
            foreach (var (hash, id) in connection.Query<(byte[] Hash, long Id)>(
                "SELECT hash, id FROM items WHERE hash IN (SELECT unhex(value) FROM json_each(@hexes))", new { hexes }, transaction))
            {
                var key = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(hash);
                ids[key] = id;
                unknown.Remove(key);
            }
        }

        if (unknown.Count == 0)
        {
            return;
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO items (hash, refs, data) VALUES ($hash, 0, $data) RETURNING id";
        var hashParameter = insert.Parameters.Add("$hash", SqliteType.Blob);
        var dataParameter = insert.Parameters.Add("$data", SqliteType.Blob);
        insert.Prepare();
        foreach (var item in unknown.Values)
        {
            hashParameter.Value = HashBytes(item.Hash);
            dataParameter.Value = item.Json;
            ids[item.Hash] = (long)insert.ExecuteScalar()!;
        }
    }

    private long StoreList(SqliteConnection connection, SqliteTransaction transaction, long[] ids, Dictionary<UInt128, long> seen)
    {
        var packed = ItemIdList.Encode(ids);
        var key = Hash(packed);
        if (seen.TryGetValue(key, out var id) || _knownLists.TryGetValue(key, out id))
        {
            seen[key] = id;
            return id;
        }

        var hash = HashBytes(key);
        if (connection.ExecuteScalar<long?>("SELECT id FROM lists WHERE hash = @hash", new { hash }, transaction) is not { } existing)
        {
            existing = connection.ExecuteScalar<long>(
                "INSERT INTO lists (hash, refs, count, items) VALUES (@hash, 0, @count, @packed) RETURNING id",
                new { hash, count = ids.Length, packed },
                transaction);
            // A new list is one more reference to each of its items (a list names an item once, however often it holds it).
            connection.Execute(
                "UPDATE items SET refs = refs + 1 WHERE id IN (SELECT value FROM json_each(@ids))",
                new { ids = JsonArray(ids) },
                transaction);
        }

        seen[key] = existing;
        return existing;
    }

    private List<T> ReadList<T>(SqliteConnection connection, SqliteTransaction transaction, long listId)
    {
        var packed = connection.ExecuteScalar<byte[]>("SELECT items FROM lists WHERE id = @listId", new { listId }, transaction)
            ?? throw new SnapshotStoreUnavailableException($"{_path} is inconsistent: list {listId} of a snapshot is missing.");
        var ids = ItemIdList.Decode(packed);
        var data = connection.Query<(long Id, byte[] Data)>(
            "SELECT id, data FROM items WHERE id IN (SELECT value FROM json_each(@ids))",
            new { ids = JsonArray(ids) },
            transaction).ToDictionary(r => r.Id, r => r.Data);
        var result = new List<T>(ids.Length);
        foreach (var id in ids)
        {
            if (!data.TryGetValue(id, out var json))
            {
                throw new SnapshotStoreUnavailableException($"{_path} is inconsistent: item {id} of list {listId} is missing.");
            }

            result.Add(JsonSerializer.Deserialize<T>(json, s_json)
                ?? throw new SnapshotStoreUnavailableException($"{_path} holds an empty record (item {id})."));
        }

        return result;
    }

    /// <summary>The six parts in the order of the snapshot row's columns, each record as JSON with its hash.</summary>
    internal static EncodedItem[][] Encode(SnapshotRecord snapshot)
    {
        if (snapshot.Json is not { } json)
        {
            return Encode(snapshot.State);
        }

        int[] counts =
        [
            snapshot.State.Containers.Count, snapshot.State.Namespaces.Count, snapshot.State.Networks.Count,
            snapshot.State.NetworkNamespaces.Count, snapshot.State.Topology.Nodes.Count, snapshot.State.Topology.Edges.Count,
        ];
        if (json.Length != counts.Length || json.Where((part, i) => part.Count != counts[i]).Any())
        {
            throw new ArgumentException("The JSON handed over does not match the state's records.", nameof(snapshot));
        }

        return [.. json.Select(part => part.Select(bytes => new EncodedItem(Hash(bytes), bytes)).ToArray())];
    }

    private static EncodedItem[][] Encode(SnapshotState state) =>
    [
        EncodeAll(state.Containers),
        EncodeAll(state.Namespaces),
        EncodeAll(state.Networks),
        EncodeAll(state.NetworkNamespaces),
        EncodeAll(state.Topology.Nodes),
        EncodeAll(state.Topology.Edges),
    ];

    private static EncodedItem[] EncodeAll<T>(IReadOnlyList<T> records)
    {
        var encoded = new EncodedItem[records.Count];
        for (var i = 0; i < encoded.Length; i++)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(records[i], s_json);
            encoded[i] = new EncodedItem(Hash(json), json);
        }

        return encoded;
    }

    private static UInt128 Hash(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    private static byte[] HashBytes(UInt128 hash)
    {
        var bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, hash);
        return bytes;
    }

    private static string JsonArray(IReadOnlyCollection<long> ids)
    {
        var text = new StringBuilder(ids.Count * 8 + 2).Append('[');
        var first = true;
        foreach (var id in ids)
        {
            text.Append(first ? "" : ",").Append(id.ToString(CultureInfo.InvariantCulture));
            first = false;
        }

        return text.Append(']').ToString();
    }

    /// <summary>The connection writes go through, opened (and the schema migrated) on first use; guarded by _writing.</summary>
    private SqliteConnection Writer()
    {
        if (_writer is not null)
        {
            return _writer;
        }

        var now = _time.GetUtcNow();
        if (_lastOpenFailure is { } failed && now - failed < _reopenDelay)
        {
            throw new SnapshotStoreUnavailableException(Status.Error ?? $"{_path} cannot be used.");
        }

        SqliteConnection? connection = null;
        try
        {
            var directory = System.IO.Path.GetDirectoryName(_path);
            if (!string.IsNullOrEmpty(directory))
            {
                OwnerOnlyFiles.CreateFolder(directory);
            }

            var (tightened, untouched) = OwnerOnlyFiles.Prepare(_path);
            foreach (var (file, before) in tightened)
            {
                LogTightened(file, OwnerOnlyFiles.Octal(before), OwnerOnlyFiles.Octal(OwnerOnlyFiles.Tightened(before)));
            }

            foreach (var (file, why) in untouched)
            {
                LogNotTightened(file, why);
            }

            connection = new SqliteConnection(_connectionString);
            connection.Open();
            Configure(connection);
            // Nothing is written to a file that is not ours or is too new: the check comes first.
            SnapshotSchema.Check(connection, _migrations, _path);
            // WAL is a property of the file: set once here, kept by every later connection.
            connection.ExecuteScalar<string>("PRAGMA journal_mode = WAL");
            _schemaVersion = SnapshotSchema.Migrate(connection, _migrations, _path);
            _lastOpenFailure = null;
            _writer = connection;
            Healthy(connection);
            LogOpened(_path, _schemaVersion);
            return connection;
        }
        catch (Exception e) when (e is SqliteException or SchemaException or IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            if (connection is not null)
            {
                SqliteConnection.ClearPool(connection);
            }

            _lastOpenFailure = now;
            var message = e is SchemaException ? e.Message : $"{_path} cannot be opened: {Explain(e)}";
            SetStatus(StorageState.Unavailable, message, e);
            throw new SnapshotStoreUnavailableException(message, e);
        }
    }

    private async Task<SqliteConnection> ReaderAsync(CancellationToken cancellationToken)
    {
        if (Status.State is StorageState.Starting or StorageState.Unavailable)
        {
            // Opening also migrates, which only the writer may do.
            await OpenAsync(cancellationToken);
            if (Status.State == StorageState.Unavailable)
            {
                throw new SnapshotStoreUnavailableException(Status.Error ?? $"{_path} cannot be used.");
            }
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            Configure(connection);
            return connection;
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw Unreadable("opening a reader", e);
        }
    }

    // A page cache of 32 MiB (the default is 2 MiB): a snapshot of a few hundred containers is several MiB of records.
    private void Configure(SqliteConnection connection) =>
        connection.Execute($"PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768;");

    /// <summary>A write failed: the status says why, the connection is dropped (the next write opens a new one).</summary>
    private SnapshotStoreUnavailableException Failed(string what, SqliteException e)
    {
        _writer?.Dispose();
        _writer = null;
        var message = $"{what} in {_path} failed: {Explain(e)}";
        SetStatus(StorageState.Failing, message, e);
        return new SnapshotStoreUnavailableException(message, e);
    }

    private SnapshotStoreUnavailableException Unreadable(string what, SqliteException e) =>
        new($"{what} in {_path} failed: {Explain(e)}", e);

    private string Explain(Exception e) => e switch
    {
        SqliteException { SqliteErrorCode: 8 or 14 } when FileAccessProbe.WhyNotWritable(_path) is { } why => why + " (" + e.Message + ")",
        SqliteException { SqliteErrorCode: 8 } => "the file or its folder is read-only (" + e.Message + ")",
        SqliteException { SqliteErrorCode: 13 } => "the disk is full (" + e.Message + ")",
        SqliteException { SqliteErrorCode: 5 or 6 } => "the file is locked by another process (" + e.Message + ")",
        SqliteException { SqliteErrorCode: 26 } => "it is not an SQLite database; it is left untouched (" + e.Message + ")",
        SqliteException { SqliteErrorCode: 11 } => "the file is corrupt (" + e.Message + ")",
        SqliteException { SqliteErrorCode: 14 } => "the file cannot be opened (" + e.Message + ")",
        _ => e.Message,
    };

    private void Healthy(SqliteConnection connection)
    {
        var (count, last) = connection.QuerySingle<(long Count, long? Last)>("SELECT count(*), max(taken_at) FROM snapshots");
        SetStatus(StorageState.Ok, null, null, (int)count, last is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
    }

    private void SetStatus(StorageState state, string? error, Exception? exception, int? count = null, DateTimeOffset? last = null)
    {
        StorageState before;
        lock (_lock)
        {
            before = _status.State;
            _status = new StorageStatus
            {
                State = state,
                Path = _path,
                Error = error,
                SnapshotCount = count ?? _status.SnapshotCount,
                LastSnapshotAt = count is null ? _status.LastSnapshotAt : last,
                FileBytes = FileBytes(),
                SchemaVersion = _schemaVersion == 0 ? null : _schemaVersion,
            };
        }

        if (state != StorageState.Ok && before != state)
        {
            LogUnusable(exception, state, error ?? "");
        }
        else if (state == StorageState.Ok && before is StorageState.Failing or StorageState.Unavailable)
        {
            LogRecovered(_path);
        }
    }

    private long? FileBytes()
    {
        try
        {
            var main = new FileInfo(_path);
            var wal = new FileInfo(_path + "-wal");
            return main.Exists ? main.Length + (wal.Exists ? wal.Length : 0) : null;
        }
        catch (IOException)
        {
            return null;
        }
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshots are stored in {Path} (schema version {Version})")]
    private partial void LogOpened(string path, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot storage is {State}: {Error}. The live dashboard goes on; snapshots are retried.")]
    private partial void LogUnusable(Exception? exception, StorageState state, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} could be read or written by other users ({Before}); it is now {After}: snapshots hold command lines")]
    private partial void LogTightened(string path, string before, string after);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} may be readable by other users and its mode cannot be changed: {Why}")]
    private partial void LogNotTightened(string path, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot storage in {Path} works again")]
    private partial void LogRecovered(string path);

    internal readonly record struct EncodedItem(UInt128 Hash, byte[] Json);

    /// <summary>A row of <c>snapshots</c> as Dapper maps it (settable properties, SQLite's own types).</summary>
    private sealed class SnapshotRow
    {
        public const string Columns =
            "id AS Id, taken_at AS TakenAt, reason AS Reason, epoch AS Epoch, version AS Version, " +
            "container_count AS ContainerCount, namespace_count AS NamespaceCount, containers AS Containers, " +
            "namespaces AS Namespaces, networks AS Networks, netns AS Netns, nodes AS Nodes, edges AS Edges";

        public long Id { get; set; }
        public long TakenAt { get; set; }
        public string Reason { get; set; } = "";
        public string Epoch { get; set; } = "";
        public long Version { get; set; }
        public long ContainerCount { get; set; }
        public long NamespaceCount { get; set; }
        public long Containers { get; set; }
        public long Namespaces { get; set; }
        public long Networks { get; set; }
        public long Netns { get; set; }
        public long Nodes { get; set; }
        public long Edges { get; set; }

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

    private sealed class ListRefs
    {
        public long Containers { get; set; }
        public long Namespaces { get; set; }
        public long Networks { get; set; }
        public long Netns { get; set; }
        public long Nodes { get; set; }
        public long Edges { get; set; }

        public long[] All => [Containers, Namespaces, Networks, Netns, Nodes, Edges];
    }
}
