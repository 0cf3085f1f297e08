using Microsoft.Data.Sqlite;

namespace Dashboard.Server.Storage;

/// <summary>One step of the schema: applied in a transaction of its own, which also sets <c>user_version</c> to <see cref="Version"/>.</summary>
internal sealed record SchemaMigration(int Version, string Description, string Sql);

/// <summary>The file cannot be used with this version of the dashboard; the message says why and what to do.</summary>
internal sealed class SchemaException(string message) : Exception(message);

/// <summary>
/// The snapshot file's schema and how a file is brought up to it. The version is SQLite's <c>user_version</c>: 0 for
/// a new file, then the version of the last migration applied. A file at a newer version than this build knows, or a
/// file that holds tables of something else, is refused and left as it is.
/// </summary>
internal static class SnapshotSchema
{
    /// <summary>
    /// Version 1. Content is stored once: <c>items</c> are the JSON of single records (a container, a namespace, a
    /// topology node…) keyed by a hash of their bytes; <c>lists</c> are ordered sequences of item ids, also keyed by
    /// hash; a snapshot row names one list per part. Both count their references, so removing a snapshot removes
    /// exactly the content no other snapshot uses, without reading the rest of the history.
    /// </summary>
    private const string V1 = """
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            refs INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        CREATE TABLE lists (
            id INTEGER PRIMARY KEY,
            hash BLOB NOT NULL UNIQUE,
            refs INTEGER NOT NULL,
            count INTEGER NOT NULL,
            items BLOB NOT NULL
        );
        CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            taken_at INTEGER NOT NULL,
            reason TEXT NOT NULL,
            epoch TEXT NOT NULL,
            version INTEGER NOT NULL,
            container_count INTEGER NOT NULL,
            namespace_count INTEGER NOT NULL,
            containers INTEGER NOT NULL REFERENCES lists (id),
            namespaces INTEGER NOT NULL REFERENCES lists (id),
            networks INTEGER NOT NULL REFERENCES lists (id),
            netns INTEGER NOT NULL REFERENCES lists (id),
            nodes INTEGER NOT NULL REFERENCES lists (id),
            edges INTEGER NOT NULL REFERENCES lists (id)
        );
        CREATE INDEX snapshots_by_time ON snapshots (taken_at, id);
        """;

    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new(1, "content-addressed items and lists, snapshots naming one list per part", V1),
    ];

    public static int CurrentVersion => Migrations[^1].Version;

    public static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Applies every migration the file lacks, each in its own transaction; returns the version reached.</summary>
    public static int Migrate(SqliteConnection connection, IReadOnlyList<SchemaMigration> migrations, string path)
    {
        var version = Check(connection, migrations, path);
        foreach (var migration in migrations.Where(m => m.Version > version).OrderBy(m => m.Version))
        {
            using var transaction = connection.BeginTransaction();
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = migration.Sql + $"\nPRAGMA user_version = {migration.Version};";
                command.ExecuteNonQuery();
            }

            transaction.Commit();
            version = migration.Version;
        }

        return version;
    }

    /// <summary>
    /// Reads the file's version and throws <see cref="SchemaException"/> when this build must not touch the file;
    /// writes nothing, so it runs before anything else is done to a file.
    /// </summary>
    public static int Check(SqliteConnection connection, IReadOnlyList<SchemaMigration> migrations, string path)
    {
        var known = migrations.Count == 0 ? 0 : migrations[^1].Version;
        var version = ReadVersion(connection);
        if (version > known)
        {
            throw new SchemaException(
                $"{path} has schema version {version}, newer than this dashboard knows ({known}): it was written by a newer " +
                "version. Run that version, or point Dashboard:DatabasePath at another file; this one is left untouched.");
        }

        if (version == 0 && HasTables(connection))
        {
            throw new SchemaException(
                $"{path} is an SQLite database of something else (it has tables but no dashboard schema version); " +
                "point Dashboard:DatabasePath at another file; this one is left untouched.");
        }

        return version;
    }

    private static bool HasTables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_schema WHERE type = 'table'";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
