using System.Globalization;

namespace Dashboard.Server.State;

/// <summary>
/// Keeps topology ids from outliving their namespace: the kernel hands a freed nsfs inode to the next namespace, and
/// a client that kept <c>netns:4026532300</c> would otherwise be shown a stranger under the old id. The namespace's
/// SO_NETNS_COOKIE settles it where the kernel gives one; otherwise a generation per inode, which this registry
/// keeps (one instance per server, fed once per built state).
/// </summary>
internal sealed class TopologyIdentity
{
    /// <summary>
    /// What follows <c>netns:</c> and <c>if:</c> in the ids of a namespace and its interfaces: <c>&lt;inode&gt;:&lt;cookie&gt;</c>
    /// when the cookie is known, else <c>&lt;inode&gt;.&lt;generation&gt;</c>. The two separators keep the forms apart, so
    /// that an id made one way never equals one made the other.
    /// </summary>
    public static string Stamp(ulong inode, ulong? cookie, int generation) => cookie is { } c
        ? string.Create(CultureInfo.InvariantCulture, $"{inode}:{c}")
        : string.Create(CultureInfo.InvariantCulture, $"{inode}.{generation}");

    private readonly Lock _lock = new();
    // Last generation ever given to an inode, kept after it disappears so that a reuse gets the next one.
    private readonly Dictionary<ulong, int> _generations = [];
    private HashSet<ulong> _present = [];

    /// <summary>
    /// Records the namespaces of one build and returns their generations. An inode that was present in the previous
    /// build keeps its generation; one that is new, or was absent from the previous build, gets a new one.
    /// </summary>
    public IReadOnlyDictionary<ulong, int> Observe(IEnumerable<ulong> inodes)
    {
        lock (_lock)
        {
            var present = new HashSet<ulong>(inodes);
            var result = new Dictionary<ulong, int>(present.Count);
            foreach (var inode in present)
            {
                if (!_present.Contains(inode))
                {
                    _generations[inode] = _generations.GetValueOrDefault(inode) + 1;
                }

                result[inode] = _generations[inode];
            }

            _present = present;
            return result;
        }
    }
}
