using System.Collections.Immutable;
using System.Globalization;

namespace Dashboard.Client.Model;

/// <summary>
/// The two snapshots picked on the timeline to compare. Picking a third lets go of the first picked, so that the
/// last two picks are always the ones compared.
/// </summary>
public sealed record SnapshotSelection
{
    public static SnapshotSelection None { get; } = new();

    /// <summary>In the order picked.</summary>
    public ImmutableArray<long> Ids { get; init; } = [];

    public bool Contains(long id) => Ids.Contains(id);

    public bool CanCompare => Ids.Length == 2;

    public SnapshotSelection Toggle(long id) => Contains(id)
        ? this with { Ids = Ids.Remove(id) }
        : this with { Ids = Ids.Length == 2 ? [Ids[1], id] : Ids.Add(id) };

    public SnapshotSelection Without(long id) => Contains(id) ? this with { Ids = Ids.Remove(id) } : this;

    /// <summary>From the older to the newer (ids only grow), so that "added" means what came later.</summary>
    public string? DiffLink => CanCompare ? DashboardLinks.Diff(Ids.Min(), Ids.Max()) : null;

    public string Text => Ids.Length switch
    {
        0 => "Pick two snapshots to compare them.",
        1 => string.Create(CultureInfo.InvariantCulture, $"Snapshot {Ids[0]} picked; pick one more to compare."),
        _ => string.Create(CultureInfo.InvariantCulture, $"Compare snapshot {Ids.Min()} with snapshot {Ids.Max()}."),
    };
}
