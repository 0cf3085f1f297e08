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
                case "bind-mount" when ns.BindMounts.Count > 0:
                    reasons.AddRange(ns.BindMounts.Select(m => $"bind-mount {m}"));
                    break;
                case "fd" when ns.OpenDescriptors.Count > 0:
                    reasons.AddRange(ns.OpenDescriptors.Select(d => $"fd {d.Pid}/{d.Fd}"));
                    break;
                default:
                    reasons.Add(reason);
                    break;
            }
        }

        return reasons;
    }

    public static string Relation(string relation) => relation switch
    {
        "owned" => "owned by this user namespace",
        "child" => "child namespace",
        _ => relation,
    };

    /// <summary>Empty for a process row; names the thread for a thread row.</summary>
    public static string ThreadLabel(NamespaceMember member) => member.Tid is { } tid ? $"thread {tid}" : "";
}
