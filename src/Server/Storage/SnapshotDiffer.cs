using System.Text.Json;
using Dashboard.Shared.Contracts;

namespace Dashboard.Server.Storage;

/// <summary>Pure: what differs between two states of the host, as <c>GET /api/snapshots/{id}/diff/{otherId}</c> answers.</summary>
internal static class SnapshotDiffer
{
    public static SnapshotDiff Between(SnapshotSummary from, SnapshotState before, SnapshotSummary to, SnapshotState after)
    {
        var newerIsAfter = to.TakenAt >= from.TakenAt;
        var (containersAdded, containersRemoved, containersChanged) = Containers(before, after, newerIsAfter);
        var (namespacesAdded, namespacesRemoved) = Namespaces(before, after);
        var (interfacesAdded, interfacesRemoved, addressesAdded, addressesRemoved) = Interfaces(before, after);
        return new SnapshotDiff
        {
            From = from,
            To = to,
            ContainersAdded = containersAdded,
            ContainersRemoved = containersRemoved,
            ContainersChanged = containersChanged,
            NamespacesAdded = namespacesAdded,
            NamespacesRemoved = namespacesRemoved,
            InterfacesAdded = interfacesAdded,
            InterfacesRemoved = interfacesRemoved,
            AddressesAdded = addressesAdded,
            AddressesRemoved = addressesRemoved,
        };
    }

    /// <summary>True when the two states differ in anything a diff reports (what a change-driven snapshot is for).</summary>
    public static bool Differ(SnapshotState before, SnapshotState after)
    {
        var summary = new SnapshotSummary
        {
            Id = 0, TakenAt = DateTimeOffset.UnixEpoch, Reason = SnapshotReason.Change, Epoch = "", Version = 0,
            ContainerCount = 0, NamespaceCount = 0,
        };
        return !Between(summary, before, summary, after).IsEmpty;
    }

    private static (List<ContainerRef> Added, List<ContainerRef> Removed, List<ContainerChange> Changed) Containers(
        SnapshotState before, SnapshotState after, bool newerIsAfter)
    {
        var old = before.Containers.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var current = after.Containers.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var added = after.Containers.Where(c => !old.ContainsKey(c.Id)).Select(Ref).ToList();
        var removed = before.Containers.Where(c => !current.ContainsKey(c.Id)).Select(Ref).ToList();
        var changed = new List<ContainerChange>();
        foreach (var c in after.Containers)
        {
            if (!old.TryGetValue(c.Id, out var was))
            {
                continue;
            }

            var fields = ChangedFields(was, c);
            if (fields.Count == 0)
            {
                continue;
            }

            changed.Add(new ContainerChange
            {
                Container = Ref(newerIsAfter ? c : was),
                Fields = fields,
                Sharing = SharingChanges(was, c),
            });
        }

        return (added, removed, changed);
    }

    private static ContainerRef Ref(ContainerInfo c) => new() { Id = c.Id, Name = c.Name };

    /// <summary>Top-level JSON properties whose serialized values differ, in the contract's order.</summary>
    private static List<string> ChangedFields(ContainerInfo before, ContainerInfo after)
    {
        var a = JsonSerializer.SerializeToElement(before, DashboardJson.Options);
        var b = JsonSerializer.SerializeToElement(after, DashboardJson.Options);
        var names = new List<string>();
        foreach (var property in b.EnumerateObject())
        {
            if (!a.TryGetProperty(property.Name, out var was) || !JsonElement.DeepEquals(was, property.Value))
            {
                names.Add(property.Name);
            }
        }

        foreach (var property in a.EnumerateObject())
        {
            if (!b.TryGetProperty(property.Name, out _))
            {
                names.Add(property.Name);
            }
        }

        return names;
    }

    private static List<SharingChange> SharingChanges(ContainerInfo before, ContainerInfo after)
    {
        var changes = new List<SharingChange>();
        foreach (var type in NamespaceTypes.All)
        {
            var was = before.Namespaces?.GetValueOrDefault(type);
            var now = after.Namespaces?.GetValueOrDefault(type);
            var sharedBefore = Names(was);
            var sharedAfter = Names(now);
            if (was?.Inode == now?.Inode && was?.Sharing == now?.Sharing && sharedBefore.SequenceEqual(sharedAfter, StringComparer.Ordinal))
            {
                continue;
            }

            changes.Add(new SharingChange
            {
                Type = type,
                InodeBefore = was?.Inode,
                InodeAfter = now?.Inode,
                Before = was?.Sharing,
                After = now?.Sharing,
                SharedWithBefore = sharedBefore,
                SharedWithAfter = sharedAfter,
            });
        }

        return changes;

        static List<string> Names(ContainerNamespace? ns) =>
            ns is null ? [] : ns.SharedWith.Select(r => r.Name).Order(StringComparer.Ordinal).ToList();
    }

    private static (List<NamespaceKeyInfo> Added, List<NamespaceKeyInfo> Removed) Namespaces(SnapshotState before, SnapshotState after)
    {
        var old = before.Namespaces.Select(n => (n.Type, n.Inode)).ToHashSet();
        var current = after.Namespaces.Select(n => (n.Type, n.Inode)).ToHashSet();
        return (
            after.Namespaces.Where(n => !old.Contains((n.Type, n.Inode))).Select(Info).ToList(),
            before.Namespaces.Where(n => !current.Contains((n.Type, n.Inode))).Select(Info).ToList());

        static NamespaceKeyInfo Info(NamespaceSummary n) => new() { Type = n.Type, Inode = n.Inode, Containers = n.Containers };
    }

    private static (List<InterfaceRef>, List<InterfaceRef>, List<AddressRef>, List<AddressRef>) Interfaces(SnapshotState before, SnapshotState after)
    {
        // A network namespace is known by inode and cookie: the kernel reuses inodes, so a container replaced by
        // another whose namespace got the same inode still shows as one interface gone and one come.
        var old = Flatten(before);
        var current = Flatten(after);
        var oldInterfaces = old.Select(i => i.Key).ToHashSet();
        var currentInterfaces = current.Select(i => i.Key).ToHashSet();
        var oldAddresses = old.SelectMany(i => i.Addresses.Select(a => (i.Key, a.Address))).ToHashSet();
        var currentAddresses = current.SelectMany(i => i.Addresses.Select(a => (i.Key, a.Address))).ToHashSet();
        return (
            current.Where(i => !oldInterfaces.Contains(i.Key)).Select(i => i.Ref).ToList(),
            old.Where(i => !currentInterfaces.Contains(i.Key)).Select(i => i.Ref).ToList(),
            current.SelectMany(i => i.Addresses.Where(a => !oldAddresses.Contains((i.Key, a.Address)))).ToList(),
            old.SelectMany(i => i.Addresses.Where(a => !currentAddresses.Contains((i.Key, a.Address)))).ToList());
    }

    private sealed record FlatInterface((ulong Inode, ulong? Cookie, string Name) Key, InterfaceRef Ref, List<AddressRef> Addresses);

    private static List<FlatInterface> Flatten(SnapshotState state) =>
        state.NetworkNamespaces.SelectMany(ns =>
        {
            var containers = ns.Containers.Select(c => c.Name).ToList();
            return ns.Interfaces.Select(i => new FlatInterface(
                (ns.Inode, ns.Cookie, i.Name),
                new InterfaceRef { NetnsInode = ns.Inode, Name = i.Name, Kind = i.Kind, Containers = containers },
                i.Addresses.Distinct(StringComparer.Ordinal)
                    .Select(a => new AddressRef { NetnsInode = ns.Inode, Interface = i.Name, Address = a, Containers = containers })
                    .ToList()));
        }).ToList();
}
