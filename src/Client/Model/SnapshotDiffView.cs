using System.Globalization;
using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Model;

/// <summary>One thing a diff found in only one of the two snapshots, linked to that snapshot's page of it.</summary>
public sealed record DiffItem
{
    public required string Label { get; init; }
    public string? Detail { get; init; }
    public string? Href { get; init; }
}

/// <summary>What is only in the first snapshot and what is only in the second, of one kind of thing.</summary>
public sealed record DiffSection
{
    /// <summary>For test ids: <c>containers</c>, <c>namespaces</c>, <c>interfaces</c>, <c>addresses</c>.</summary>
    public required string Key { get; init; }
    public required string Title { get; init; }
    public required IReadOnlyList<DiffItem> Removed { get; init; }
    public required IReadOnlyList<DiffItem> Added { get; init; }
    public bool IsEmpty => Removed.Count == 0 && Added.Count == 0;
}

/// <summary>How one of a container's namespaces differs: inode, sharing and the containers it is shared with, before → after.</summary>
public sealed record SharingChangeRow
{
    public required string Type { get; init; }
    public required string InodeBefore { get; init; }
    public required string InodeAfter { get; init; }
    public required string SharingBefore { get; init; }
    public required string SharingAfter { get; init; }
    public required string SharedWithBefore { get; init; }
    public required string SharedWithAfter { get; init; }
    public bool InodeChanged => InodeBefore != InodeAfter;
    public bool SharingChanged => SharingBefore != SharingAfter;
    public bool SharedWithChanged => SharedWithBefore != SharedWithAfter;
}

/// <summary>A container in both snapshots that differs.</summary>
public sealed record ContainerChangeView
{
    public required string Name { get; init; }
    /// <summary>The container in the second snapshot.</summary>
    public required string Href { get; init; }
    /// <summary>The fields that differ, as the API names them: <c>state, pid, namespaces</c>.</summary>
    public required string Fields { get; init; }
    public required IReadOnlyList<SharingChangeRow> Sharing { get; init; }
}

/// <summary>A <see cref="SnapshotDiff"/> as the diff page shows it: removed beside added, changes field by field.</summary>
public sealed record SnapshotDiffView
{
    /// <summary>Shown where a side has no value: not running, no inode, shared with none.</summary>
    public const string Nothing = "—";

    public required SnapshotSummary From { get; init; }
    public required SnapshotSummary To { get; init; }
    public required string FromText { get; init; }
    public required string ToText { get; init; }
    public required bool IsEmpty { get; init; }
    /// <summary>"Containers: 1 added, 1 removed, 1 changed · Namespaces: 1 added"; empty when nothing changed.</summary>
    public required string Summary { get; init; }
    public required IReadOnlyList<ContainerChangeView> Changed { get; init; }
    /// <summary>Containers, namespaces, interfaces and addresses, those with anything in them.</summary>
    public required IReadOnlyList<DiffSection> Sections { get; init; }
    /// <summary>True when the first snapshot is the newer: the diff reads backwards in time.</summary>
    public bool Backwards => From.Id > To.Id;
    /// <summary>The same two the other way round.</summary>
    public string SwapHref => DashboardLinks.Diff(To.Id, From.Id);
    public string RemovedTitle => string.Create(CultureInfo.InvariantCulture, $"Removed: only in snapshot {From.Id}");
    public string AddedTitle => string.Create(CultureInfo.InvariantCulture, $"Added: only in snapshot {To.Id}");

    public static SnapshotDiffView Of(SnapshotDiff diff, TimeZoneInfo zone, DateTimeOffset now)
    {
        var before = DashboardLinks.Snapshot(diff.From.Id);
        var after = DashboardLinks.Snapshot(diff.To.Id);
        var sections = new[]
        {
            new DiffSection
            {
                Key = "containers",
                Title = "Containers",
                Removed = diff.ContainersRemoved.Select(c => Container(c, before)).ToList(),
                Added = diff.ContainersAdded.Select(c => Container(c, after)).ToList(),
            },
            new DiffSection
            {
                Key = "namespaces",
                Title = "Namespaces",
                Removed = diff.NamespacesRemoved.Select(n => Namespace(n, before)).ToList(),
                Added = diff.NamespacesAdded.Select(n => Namespace(n, after)).ToList(),
            },
            new DiffSection
            {
                Key = "interfaces",
                Title = "Interfaces",
                Removed = diff.InterfacesRemoved.Select(i => Interface(i, before)).ToList(),
                Added = diff.InterfacesAdded.Select(i => Interface(i, after)).ToList(),
            },
            new DiffSection
            {
                Key = "addresses",
                Title = "Addresses",
                Removed = diff.AddressesRemoved.Select(a => Address(a, before)).ToList(),
                Added = diff.AddressesAdded.Select(a => Address(a, after)).ToList(),
            },
        };

        return new SnapshotDiffView
        {
            From = diff.From,
            To = diff.To,
            FromText = SnapshotDisplay.Describe(diff.From, zone, now),
            ToText = SnapshotDisplay.Describe(diff.To, zone, now),
            IsEmpty = diff.IsEmpty,
            Summary = Summarize(sections, diff.ContainersChanged.Count),
            Changed = diff.ContainersChanged.Select(c => ChangeOf(c, after)).ToList(),
            Sections = sections.Where(s => !s.IsEmpty).ToList(),
        };
    }

    private static string Summarize(IReadOnlyList<DiffSection> sections, int changedContainers)
    {
        var parts = new List<string>();
        foreach (var section in sections)
        {
            var counts = new List<string>();
            if (section.Added.Count > 0)
            {
                counts.Add(string.Create(CultureInfo.InvariantCulture, $"{section.Added.Count} added"));
            }

            if (section.Removed.Count > 0)
            {
                counts.Add(string.Create(CultureInfo.InvariantCulture, $"{section.Removed.Count} removed"));
            }

            if (section.Key == "containers" && changedContainers > 0)
            {
                counts.Add(string.Create(CultureInfo.InvariantCulture, $"{changedContainers} changed"));
            }

            if (counts.Count > 0)
            {
                parts.Add($"{section.Title}: {string.Join(", ", counts)}");
            }
        }

        return string.Join(" · ", parts);
    }

    private static DiffItem Container(ContainerRef c, DashboardLinks links) =>
        new() { Label = c.Name, Detail = ContainerDisplay.ShortId(c.Id), Href = links.Container(c.Name) };

    private static DiffItem Namespace(NamespaceKeyInfo n, DashboardLinks links) => new()
    {
        Label = string.Create(CultureInfo.InvariantCulture, $"{n.Type.ToKernelName()} {n.Inode}"),
        Detail = Containers(n.Containers),
        Href = links.Namespace(n.Type, n.Inode),
    };

    private static DiffItem Interface(InterfaceRef i, DashboardLinks links) => new()
    {
        Label = i.Name,
        Detail = string.Create(CultureInfo.InvariantCulture, $"{Kind(i.Kind)} in net:[{i.NetnsInode}] · {Containers(i.Containers)}"),
        Href = links.Namespace(NamespaceType.Net, i.NetnsInode),
    };

    private static DiffItem Address(AddressRef a, DashboardLinks links) => new()
    {
        Label = a.Address,
        Detail = string.Create(CultureInfo.InvariantCulture, $"{a.Interface} in net:[{a.NetnsInode}] · {Containers(a.Containers)}"),
        Href = links.Namespace(NamespaceType.Net, a.NetnsInode),
    };

    private static ContainerChangeView ChangeOf(ContainerChange change, DashboardLinks after) => new()
    {
        Name = change.Container.Name,
        Href = after.Container(change.Container.Name),
        Fields = string.Join(", ", change.Fields),
        Sharing = change.Sharing.Select(s => new SharingChangeRow
        {
            Type = s.Type.ToKernelName(),
            InodeBefore = s.InodeBefore?.ToString(CultureInfo.InvariantCulture) ?? Nothing,
            InodeAfter = s.InodeAfter?.ToString(CultureInfo.InvariantCulture) ?? Nothing,
            SharingBefore = Sharing(s.Before),
            SharingAfter = Sharing(s.After),
            SharedWithBefore = s.SharedWithBefore.Count == 0 ? Nothing : string.Join(", ", s.SharedWithBefore),
            SharedWithAfter = s.SharedWithAfter.Count == 0 ? Nothing : string.Join(", ", s.SharedWithAfter),
        }).ToList(),
    };

    private static string Sharing(Sharing? sharing) => sharing is { } s ? SharingDisplay.Label(s, []) : "not running";

    private static string Containers(IReadOnlyList<string> names) => names.Count == 0 ? "no container" : string.Join(", ", names);

    private static string Kind(NetInterfaceKind kind) => kind.ToString().ToLowerInvariant();
}
