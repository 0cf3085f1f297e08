using System.Globalization;
using Dashboard.Shared.Contracts;
using MudBlazor;

namespace Dashboard.Client.Model;

/// <summary>A sentence about the snapshot store that the History page shows above the timeline.</summary>
public sealed record StorageNotice(Severity Severity, string Text);

/// <summary>How the History page shows the snapshot store (<c>storage</c> of <c>GET /api/status</c>).</summary>
public static class StorageDisplay
{
    public static StatusBadge Badge(StorageStatus? storage) => storage switch
    {
        null => new("No snapshot store", Color.Default, Icons.Material.Outlined.Storage, "This server keeps no snapshots."),
        { State: StorageState.Ok } => new(OkLabel(storage), Color.Success, Icons.Material.Filled.Storage, Details(storage)),
        { State: StorageState.Failing } => new("Storage failing", Color.Warning, Icons.Material.Filled.Warning, Details(storage)),
        { State: StorageState.Unavailable } => new("Storage unavailable", Color.Error, Icons.Material.Filled.Error, Details(storage)),
        _ => new("Storage starting", Color.Default, Icons.Material.Filled.HourglassEmpty, Details(storage)),
    };

    /// <summary>What the user should know before looking at the timeline; null when all is well.</summary>
    public static StorageNotice? Notice(StorageStatus? storage) => storage switch
    {
        null => new(Severity.Info, "This server keeps no snapshots, so there is no history to show."),
        { State: StorageState.Unavailable } => new(Severity.Error,
            $"Snapshot storage is unavailable{Because(storage.Error)} No snapshot is taken or can be opened until it is fixed; the live pages are not affected."),
        { State: StorageState.Failing } => new(Severity.Warning,
            $"The last snapshot could not be written{Because(storage.Error)} The server keeps trying; the snapshots listed can still be opened."),
        { State: StorageState.Starting } => new(Severity.Info, "The snapshot store is being opened."),
        _ => null,
    };

    /// <summary>Whether asking for a snapshot can work: not without a store, nor with one that cannot be used at all.</summary>
    public static bool CanTake(StorageStatus? storage) => storage is { State: StorageState.Ok or StorageState.Failing };

    /// <summary>Changes when a snapshot was added or removed or the store's state changed, so a page can tell that what it shows is out of date.</summary>
    public static (StorageState State, int Count, DateTimeOffset? Last)? Marker(StorageStatus? storage) =>
        storage is null ? null : (storage.State, storage.SnapshotCount, storage.LastSnapshotAt);

    private static string OkLabel(StorageStatus storage)
    {
        var label = SnapshotDisplay.Plural(storage.SnapshotCount, "snapshot");
        return storage.FileBytes is { } bytes ? $"{label} · {SnapshotDisplay.Bytes(bytes)}" : label;
    }

    private static string Details(StorageStatus storage)
    {
        var text = storage.Path;
        if (storage.SchemaVersion is { } schema)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", schema {schema}");
        }

        if (storage.FileBytes is { } bytes)
        {
            text += $", {SnapshotDisplay.Bytes(bytes)} with its write-ahead log";
        }

        return storage.Error is { } error ? $"{text}. {error}" : text;
    }

    private static string Because(string? error) => error is null ? "." : $": {error.TrimEnd('.')}.";
}
