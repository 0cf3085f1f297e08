using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Live;
using Microsoft.Data.Sqlite;

namespace Dashboard.Server.Storage;

/// <summary>
/// The content-addressed half of the snapshot file: <c>items</c> (one record's JSON, keyed by the first 128 bits of
/// the SHA-256 of its bytes) and <c>lists</c> (a part's ordered item ids, packed by <see cref="ItemIdList"/> and keyed
/// by their hash), both stored once and counting their references. Remembers what the last snapshot written holds, so
/// that the next one looks up only what is new. Used by the writer under its lock.
/// </summary>
internal sealed class SnapshotContent(string path)
{
    private static readonly JsonSerializerOptions s_json = DashboardJson.Options;

    // Hash → id of what the last snapshot written holds.
    private Dictionary<UInt128, long> _knownItems = [];
    private Dictionary<UInt128, long> _knownLists = [];

    internal readonly record struct EncodedItem(UInt128 Hash, byte[] Json);

    /// <summary>Every part as <see cref="StateParts.All"/> lists them, each record as JSON with its hash.</summary>
    public static EncodedItem[][] Encode(SnapshotRecord snapshot)
    {
        if (snapshot.Json is not { } json)
        {
            return [.. StateParts.All.Select(part => part.Accept(new Serialise(snapshot.State)))];
        }

        if (json.Count != StateParts.All.Count || StateParts.All.Where((part, i) => json[i].Count != part.Accept(new Count(snapshot.State))).Any())
        {
            throw new ArgumentException("The JSON handed over does not match the state's records.", nameof(snapshot));
        }

        return [.. json.Select(part => part.Select(bytes => new EncodedItem(Hash(bytes), bytes)).ToArray())];
    }

    /// <summary>Makes what was just committed the reference for the next snapshot.</summary>
    public void Remember(Dictionary<UInt128, long> items, Dictionary<UInt128, long> lists) =>
        (_knownItems, _knownLists) = (items, lists);

    /// <summary>
    /// Fills <paramref name="ids"/> with the id of every record of the snapshot: from what the last snapshot held, then
    /// by one lookup of the rest, then by inserting what is new, through one prepared statement.
    /// </summary>
    public void StoreItems(SqliteConnection connection, SqliteTransaction transaction, EncodedItem[][] parts, Dictionary<UInt128, long> ids)
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
                var key = BinaryPrimitives.ReadUInt128BigEndian(hash);
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

    /// <summary>The id of the list of <paramref name="ids"/>, stored if it is new; <paramref name="seen"/> collects the snapshot's lists.</summary>
    public long StoreList(SqliteConnection connection, SqliteTransaction transaction, long[] ids, Dictionary<UInt128, long> seen)
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

    /// <summary>The state whose lists are <paramref name="listIds"/>, part by part as <see cref="StateParts.All"/> lists them.</summary>
    public SnapshotState ReadState(SqliteConnection connection, SqliteTransaction transaction, long[] listIds)
    {
        var lists = new StatePartLists();
        for (var p = 0; p < listIds.Length; p++)
        {
            StateParts.All[p].Accept(new Read(this, connection, transaction, listIds[p], lists));
        }

        return StateParts.ToSnapshotState(lists);
    }

    /// <summary>
    /// Takes one reference off each list in <paramref name="lists"/> (their snapshots are gone), then removes the lists
    /// and items that no snapshot uses any more. Only what the removed snapshots named can have lost its last reference:
    /// no scan of the rest.
    /// </summary>
    public void Release(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyCollection<long> lists)
    {
        foreach (var list in lists)
        {
            connection.Execute("UPDATE lists SET refs = refs - 1 WHERE id = @list", new { list }, transaction);
        }

        var goneLists = connection.Query<(long Id, byte[] Items)>(
            "DELETE FROM lists WHERE id IN (SELECT value FROM json_each(@ids)) AND refs <= 0 RETURNING id, items",
            new { ids = JsonArray(lists.ToHashSet()) },
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
            var ids = goneLists.Select(l => l.Id).ToHashSet();
            _knownLists = _knownLists.Where(e => !ids.Contains(e.Value)).ToDictionary();
        }
    }

    private List<T> ReadList<T>(SqliteConnection connection, SqliteTransaction transaction, long listId)
    {
        var packed = connection.ExecuteScalar<byte[]>("SELECT items FROM lists WHERE id = @listId", new { listId }, transaction)
            ?? throw new SnapshotStoreUnavailableException($"{path} is inconsistent: list {listId} of a snapshot is missing.");
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
                throw new SnapshotStoreUnavailableException($"{path} is inconsistent: item {id} of list {listId} is missing.");
            }

            result.Add(JsonSerializer.Deserialize<T>(json, s_json)
                ?? throw new SnapshotStoreUnavailableException($"{path} holds an empty record (item {id})."));
        }

        return result;
    }

    private static UInt128 Hash(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, digest);
        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    private static byte[] HashBytes(UInt128 hash)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, hash);
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

    private sealed class Serialise(SnapshotState state) : IStatePartVisitor<EncodedItem[]>
    {
        public EncodedItem[] Visit<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull
        {
            var records = part.Records(state);
            var encoded = new EncodedItem[records.Count];
            for (var i = 0; i < encoded.Length; i++)
            {
                var json = JsonSerializer.SerializeToUtf8Bytes(records[i], s_json);
                encoded[i] = new EncodedItem(Hash(json), json);
            }

            return encoded;
        }
    }

    private sealed class Count(SnapshotState state) : IStatePartVisitor<int>
    {
        public int Visit<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull => part.Records(state).Count;
    }

    private sealed class Read(SnapshotContent content, SqliteConnection connection, SqliteTransaction transaction, long listId, StatePartLists into)
        : IStatePartVisitor<bool>
    {
        public bool Visit<TRecord, TKey>(StatePart<TRecord, TKey> part) where TKey : notnull
        {
            into.Set(part, content.ReadList<TRecord>(connection, transaction, listId));
            return true;
        }
    }
}
