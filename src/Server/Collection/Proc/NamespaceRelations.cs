using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Proc;

/// <summary>
/// Fills in what never changes for a namespace's lifetime: its owner and parent (the nsfs ioctls) and, for user
/// namespaces, the uid and gid maps (each written once). What one scan learnt is reused by the next for namespaces
/// that provably lived throughout (see <see cref="ProcessPass.Continuing"/>); the rest are asked again, since the
/// kernel reuses the inodes of namespaces that went away.
/// </summary>
internal sealed class NamespaceRelations(ILogger logger, ProcFileReader files)
{
    private Dictionary<NamespaceKey, Relations> _relations = [];
    private Dictionary<NamespaceKey, IdMaps> _maps = [];

    /// <summary>
    /// Sets OwnerInode and ParentInode of every namespace in <paramref name="known"/>, adding every owner or parent not
    /// yet known and walking on from it, so that every inode reported is itself a known namespace.
    /// </summary>
    /// <param name="continuing">Namespaces known to be the same as in the previous scan; owners and parents of those are added.</param>
    /// <returns>How many namespaces were asked the kernel (the rest came from the previous scan).</returns>
    public int Resolve(NamespaceRegistry known, HashSet<NamespaceKey> continuing)
    {
        var walk = new Walk(known, continuing);
        foreach (var key in known.KeysSoFar())
        {
            if (walk.Resolved.Contains(key) || TryReuse(walk, key))
            {
                continue;
            }

            var ns = known[key];
            var fd = OpenVerified(ns);
            if (fd < 0)
            {
                logger.LogDebug("Namespace {Key} could not be opened any more", key);
                continue;
            }

            try
            {
                walk.Resolved.Add(key);
                ResolveLive(walk, ns, fd);
            }
            finally
            {
                NsIoctl.Close(fd);
            }
        }

        _relations = KeepComplete(walk.Settled);
        return walk.Asked;
    }

    /// <summary>Reads uid_map and gid_map of each user namespace from a process (or thread) in it.</summary>
    public void ReadIdMaps(NamespaceRegistry known, HashSet<NamespaceKey> continuing)
    {
        var maps = new Dictionary<NamespaceKey, IdMaps>();
        foreach (var ns in known.All)
        {
            if (ns.Key.Type != NamespaceType.User || ns.ProcDirs.Count == 0)
            {
                continue;
            }

            if (!continuing.Contains(ns.Key) || !_maps.TryGetValue(ns.Key, out var read))
            {
                read = ReadIdMaps(ns);
            }

            if (read is null)
            {
                continue;
            }

            (ns.UidMap, ns.GidMap) = (read.Uid, read.Gid);
            // Until both are written (unshare writes them just after creating the namespace) read them again next time.
            if (read.Uid.Count > 0 && read.Gid.Count > 0)
            {
                maps.Add(ns.Key, read);
            }
        }

        _maps = maps;
    }

    private IdMaps? ReadIdMaps(KnownNamespace ns)
    {
        foreach (var dir in ns.ProcDirs)
        {
            try
            {
                var uidMap = ProcParsers.ParseIdMap(files.ReadText(Path.Join(dir, "uid_map")));
                var gidMap = ProcParsers.ParseIdMap(files.ReadText(Path.Join(dir, "gid_map")));
                // The PID may have been reused by a process in another user namespace since its link was read.
                if (ProcLink.Read(Path.Join(dir, "ns/user"), out _) == ns.Key.ToString())
                {
                    return new IdMaps(uidMap, gidMap);
                }
            }
            catch (Exception e) when (ProcFileReader.IsGoneOrDenied(e))
            {
            }
        }

        return null;
    }

    /// <summary>Takes the previous scan's answer for a namespace that has lived since, and walks on to its relatives.</summary>
    private bool TryReuse(Walk walk, NamespaceKey key)
    {
        if (!walk.Continuing.Contains(key) || !_relations.TryGetValue(key, out var relations))
        {
            return false;
        }

        walk.Resolved.Add(key);
        walk.Settled[key] = relations;
        var ns = walk.Known[key];
        (ns.OwnerInode, ns.ParentInode) = (relations.Owner, relations.Parent);
        foreach (var related in Relatives(key, relations))
        {
            walk.Known.AddRelated(related);
            // A living namespace holds its owner and parent: they have lived throughout as well.
            walk.Continuing.Add(related);
            if (!walk.Resolved.Contains(related) && !TryReuse(walk, related))
            {
                // Not expected: KeepComplete keeps only answers whose relatives were answered too.
                logger.LogDebug("{Related}, related to {Key}, has no earlier answer", related, key);
            }
        }

        return true;
    }

    private void ResolveLive(Walk walk, KnownNamespace ns, int fd)
    {
        walk.Asked++;
        var owner = Follow(walk, ns, fd, NsIoctl.Relation.Owner, out var ownerSettled);
        ulong? parent = null;
        var parentSettled = true;
        if (ns.Key.Type is NamespaceType.Pid or NamespaceType.User)
        {
            parent = Follow(walk, ns, fd, NsIoctl.Relation.Parent, out parentSettled);
        }

        (ns.OwnerInode, ns.ParentInode) = (owner, parent);
        if (ownerSettled && parentSettled)
        {
            walk.Settled[ns.Key] = new Relations(owner, parent);
        }
    }

    /// <param name="settled">Whether the answer is final: a namespace, or EPERM (the relative lies outside our scope).</param>
    private ulong? Follow(Walk walk, KnownNamespace ns, int fd, NsIoctl.Relation relation, out bool settled)
    {
        var relatedFd = NsIoctl.Get(fd, relation, out var errno);
        if (relatedFd < 0)
        {
            // EPERM: the owner or parent lies outside our user namespace, i.e. we are looking at the initial one.
            settled = errno == NsIoctl.Eperm;
            if (!settled)
            {
                logger.LogDebug("{Relation} of {Key} not available: errno {Errno}", relation, ns.Key, errno);
            }

            return null;
        }

        try
        {
            if (NsIoctl.KeyOf(relatedFd) is not { } relatedKey)
            {
                settled = false;
                return null;
            }

            var related = walk.Known.AddRelated(relatedKey);
            // We already hold an fd on it, which also works for namespaces no process or mount keeps reachable.
            if (!walk.Resolved.Contains(relatedKey) && !TryReuse(walk, relatedKey))
            {
                walk.Resolved.Add(relatedKey);
                ResolveLive(walk, related, relatedFd);
            }

            settled = true;
            return relatedKey.Inode;
        }
        finally
        {
            NsIoctl.Close(relatedFd);
        }
    }

    /// <summary>Opens a file on the namespace and checks it is still that namespace (PIDs get reused). -1 when none works.</summary>
    private static int OpenVerified(KnownNamespace ns)
    {
        foreach (var path in ns.OpenCandidates())
        {
            var fd = NsIoctl.Open(path, out _);
            if (fd < 0)
            {
                continue;
            }

            if (NsIoctl.KeyOf(fd) == ns.Key)
            {
                return fd;
            }

            NsIoctl.Close(fd);
        }

        return -1;
    }

    private static IEnumerable<NamespaceKey> Relatives(NamespaceKey key, Relations relations)
    {
        if (relations.Owner is { } owner)
        {
            yield return new NamespaceKey(NamespaceType.User, owner);
        }

        if (relations.Parent is { } parent)
        {
            yield return key with { Inode = parent };
        }
    }

    /// <summary>Keeps the answers whose relatives were all answered too, so that reusing one never needs the kernel.</summary>
    private static Dictionary<NamespaceKey, Relations> KeepComplete(Dictionary<NamespaceKey, Relations> settled)
    {
        bool removed;
        do
        {
            removed = false;
            foreach (var (key, relations) in settled)
            {
                if (Relatives(key, relations).Any(r => !settled.ContainsKey(r)))
                {
                    settled.Remove(key);
                    removed = true;
                }
            }
        }
        while (removed);

        return settled;
    }

    private sealed record Relations(ulong? Owner, ulong? Parent);

    private sealed record IdMaps(IReadOnlyList<IdMapRange> Uid, IReadOnlyList<IdMapRange> Gid);

    private sealed class Walk(NamespaceRegistry known, HashSet<NamespaceKey> continuing)
    {
        public NamespaceRegistry Known { get; } = known;
        public HashSet<NamespaceKey> Continuing { get; } = continuing;
        public HashSet<NamespaceKey> Resolved { get; } = [];
        public Dictionary<NamespaceKey, Relations> Settled { get; } = [];
        public int Asked { get; set; }
    }
}
