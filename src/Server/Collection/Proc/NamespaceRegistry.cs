using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.Server.Collection.Proc;

/// <summary>
/// The namespaces one scan has found so far. A new registry is filled by every scan, so the records it publishes are
/// new objects each time and an earlier scan's stay as they were.
/// </summary>
internal sealed class NamespaceRegistry
{
    private readonly Dictionary<NamespaceKey, KnownNamespace> _known = [];

    public int Count => _known.Count;

    public IEnumerable<KnownNamespace> All => _known.Values;

    /// <summary>A snapshot of the keys, safe to iterate while namespaces are added.</summary>
    public List<NamespaceKey> KeysSoFar() => [.. _known.Keys];

    public KnownNamespace this[NamespaceKey key] => _known[key];

    /// <summary>Found in a process or thread link, an nsfs mount or an open descriptor.</summary>
    public KnownNamespace Register(NamespaceKey key)
    {
        var ns = GetOrAdd(key);
        ns.FoundDirectly = true;
        return ns;
    }

    /// <summary>Found as the owner or parent of another namespace; may have been found directly as well.</summary>
    public KnownNamespace AddRelated(NamespaceKey key) => GetOrAdd(key);

    public IReadOnlyDictionary<NamespaceKey, NamespaceRecord> Publish()
    {
        // Which namespaces are someone's owner or parent, to mark those known only that way.
        var owners = new HashSet<ulong>();
        var parents = new HashSet<NamespaceKey>();
        foreach (var ns in _known.Values)
        {
            if (ns.OwnerInode is { } owner)
            {
                owners.Add(owner);
            }

            if (ns.ParentInode is { } parent)
            {
                parents.Add(ns.Key with { Inode = parent });
            }
        }

        var records = new Dictionary<NamespaceKey, NamespaceRecord>(_known.Count);
        foreach (var (key, ns) in _known)
        {
            records.Add(key, ns.ToRecord(
                foundAsOwner: !ns.FoundDirectly && key.Type == NamespaceType.User && owners.Contains(key.Inode),
                foundAsParent: !ns.FoundDirectly && parents.Contains(key)));
        }

        return records;
    }

    private KnownNamespace GetOrAdd(NamespaceKey key)
    {
        if (!_known.TryGetValue(key, out var ns))
        {
            ns = new KnownNamespace(key);
            _known.Add(key, ns);
        }

        return ns;
    }
}

/// <summary>A namespace being collected, with a few files through which it can be opened again.</summary>
internal sealed class KnownNamespace(NamespaceKey key)
{
    // Enough ways to reopen a namespace that one survives the processes exiting meanwhile, without keeping them all.
    private const int MaxOpenCandidates = 4;

    private readonly List<string> _procDirs = [];
    private readonly List<string> _paths = [];
    private readonly List<string> _bindMounts = [];
    private readonly List<FileDescriptorRef> _openDescriptors = [];

    public NamespaceKey Key { get; } = key;

    public bool FoundDirectly { get; set; }

    public ulong? OwnerInode { get; set; }

    public ulong? ParentInode { get; set; }

    public IReadOnlyList<IdMapRange>? UidMap { get; set; }

    public IReadOnlyList<IdMapRange>? GidMap { get; set; }

    public IReadOnlyList<string> BindMounts => _bindMounts;

    /// <summary>/proc/&lt;pid&gt; or /proc/&lt;pid&gt;/task/&lt;tid&gt; directories whose links point here.</summary>
    public IReadOnlyList<string> ProcDirs => _procDirs;

    /// <summary>nsfs bind mounts reached through a process root, and /proc/&lt;pid&gt;/fd/&lt;n&gt; entries.</summary>
    public IReadOnlyList<string> Paths => _paths;

    public void AddProcDir(string dir)
    {
        if (_procDirs.Count < MaxOpenCandidates)
        {
            _procDirs.Add(dir);
        }
    }

    public void AddPath(string path)
    {
        if (_paths.Count < MaxOpenCandidates && !_paths.Contains(path))
        {
            _paths.Add(path);
        }
    }

    public void AddBindMount(string mountPoint)
    {
        if (!_bindMounts.Contains(mountPoint))
        {
            _bindMounts.Add(mountPoint);
        }
    }

    public void AddOpenDescriptor(FileDescriptorRef descriptor) => _openDescriptors.Add(descriptor);

    /// <summary>Every file through which the scan could open this namespace, best first.</summary>
    public IEnumerable<string> OpenCandidates()
    {
        var typeName = Key.Type.ToKernelName();
        return _procDirs.Select(d => Path.Join(d, "ns", typeName)).Concat(_paths);
    }

    public NamespaceRecord ToRecord(bool foundAsOwner, bool foundAsParent)
    {
        var record = new NamespaceRecord
        {
            Key = Key,
            OwnerInode = OwnerInode,
            ParentInode = ParentInode,
            UidMap = UidMap,
            GidMap = GidMap,
            FoundAsOwner = foundAsOwner,
            FoundAsParent = foundAsParent,
            OpenPaths = [.. OpenCandidates()],
        };
        record.BindMounts.AddRange(_bindMounts);
        record.OpenDescriptors.AddRange(_openDescriptors);
        return record;
    }
}
