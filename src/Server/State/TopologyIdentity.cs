namespace Dashboard.Server.State;

/// <summary>
/// Gives each network namespace a generation next to its inode, so that topology ids do not outlive the namespace:
/// the kernel hands a freed nsfs inode to the next namespace, and a client that kept <c>netns:4026532300</c> would
/// otherwise be shown a stranger under the old id. One instance per server, fed once per built state.
/// </summary>
internal sealed class TopologyIdentity
{
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
