using Dashboard.Shared.Live;

namespace Dashboard.Server.Live;

/// <summary>Pure: the changes that take a client from one state to the next, and how many there are.</summary>
internal static class LiveDiff
{
    /// <returns>The changes and their count: each upsert or removal is one change, as is a new status.</returns>
    public static (LiveChanges Changes, int Count) Between(LiveFingerprints before, LiveFingerprints after)
    {
        var changes = new LiveChanges();
        var count = 0;
        for (var p = 0; p < after.Parts.Count; p++)
        {
            changes = after.Parts[p].ChangesSince(before.Parts[p], changes, ref count);
        }

        if (!before.Status.AsSpan().SequenceEqual(after.Status))
        {
            count++;
        }

        // Sent with any change, so that the counts and the scan time a client shows are those of the state it holds.
        return (count > 0 ? changes with { Status = after.State.Status } : changes, count);
    }

    internal static (HashSet<TKey> Upserted, List<TKey> Removed) Compare<TKey>(Dictionary<TKey, byte[]> before, Dictionary<TKey, byte[]> after)
        where TKey : notnull
    {
        var upserted = new HashSet<TKey>(after.Comparer);
        foreach (var (key, bytes) in after)
        {
            if (!before.TryGetValue(key, out var old) || !old.AsSpan().SequenceEqual(bytes))
            {
                upserted.Add(key);
            }
        }

        var removed = before.Keys.Where(k => !after.ContainsKey(k)).ToList();
        return (upserted, removed);
    }

    // In the state's own order, so that clients that append see what the API would list.
    internal static List<T> Pick<T, TKey>(IEnumerable<T> items, Func<T, TKey> key, HashSet<TKey> wanted) =>
        wanted.Count == 0 ? [] : items.Where(i => wanted.Contains(key(i))).ToList();
}
