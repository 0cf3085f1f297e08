using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Model;

/// <summary>How namespace facts are shown.</summary>
public static class NamespaceDisplay
{
    /// <summary>
    /// Why a namespace without processes still exists, one entry per holder: <c>bind-mount /run/netns/x</c>,
    /// <c>fd 812/7</c>, <c>owner</c>, <c>parent</c>, <c>thread</c>.
    /// </summary>
    public static IReadOnlyList<string> KeptAliveReasons(NamespaceSummary ns)
    {
        var reasons = new List<string>();
        foreach (var reason in ns.KeptAliveBy.Distinct())
        {
            switch (reason)
            {
                case KeptAliveReason.BindMount when ns.BindMounts.Count > 0:
                    reasons.AddRange(ns.BindMounts.Select(m => $"bind-mount {m}"));
                    break;
                case KeptAliveReason.Fd when ns.OpenDescriptors.Count > 0:
                    reasons.AddRange(ns.OpenDescriptors.Select(d => $"fd {d.Pid}/{d.Fd}"));
                    break;
                default:
                    reasons.Add(Reason(reason));
                    break;
            }
        }

        return reasons;
    }

    private static string Reason(KeptAliveReason reason) => reason switch
    {
        KeptAliveReason.Thread => "thread",
        KeptAliveReason.BindMount => "bind-mount",
        KeptAliveReason.Fd => "fd",
        KeptAliveReason.Owner => "owner",
        KeptAliveReason.Parent => "parent",
        _ => reason.ToString(),
    };

    public static string Relation(NamespaceRelation relation) => relation switch
    {
        NamespaceRelation.Owned => "owned by this user namespace",
        NamespaceRelation.Child => "child namespace",
        _ => relation.ToString(),
    };

    /// <summary>Empty for a process row; names the thread for a thread row.</summary>
    public static string ThreadLabel(NamespaceMember member) => member.Tid is { } tid ? $"thread {tid}" : "";
}
