using Dapper;
using Dashboard.Server.Configuration;
using Dashboard.Shared.Contracts;
using Microsoft.Data.Sqlite;

namespace Dashboard.Server.Storage;

// The file itself: opening and migrating it, the connections, and what the status says about it.
internal sealed partial class SqliteSnapshotStore
{
    private readonly string _connectionString;
    private readonly IReadOnlyList<SchemaMigration> _migrations;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteSnapshotStore> _logger;
    private readonly Lock _lock = new();
    private readonly int _busyTimeoutMs;
    private readonly TimeSpan _reopenDelay;

    // Guarded by _writing.
    private SqliteConnection? _writer;
    private DateTimeOffset? _lastOpenFailure;

    private StorageStatus _status;
    private int _schemaVersion;

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
}
