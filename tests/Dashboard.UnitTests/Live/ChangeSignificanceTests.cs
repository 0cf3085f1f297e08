using Dashboard.Server.Collection.Events;
using Dashboard.Server.Live;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;
using Dashboard.UnitTests.State;

namespace Dashboard.UnitTests.Live;

/// <summary>Which reports may change more than process counts, and so hold a request or a refresh.</summary>
public sealed class ChangeSignificanceTests
{
    private static readonly Dictionary<NamespaceType, ulong> s_web1 = HostStateBuilderTests.Own(4026532200);

    // A shell on the host (100) and a container's two processes (200, 201).
    private static readonly Dashboard.Server.Collection.Proc.ProcScan s_last = HostStateBuilderTests.Scan(
        HostStateBuilderTests.Proc(100, 1, HostStateBuilderTests.Initial),
        HostStateBuilderTests.Proc(200, 1, s_web1),
        HostStateBuilderTests.Proc(201, 200, s_web1));

    private static IReadOnlyCollection<NamespaceKey> Keys(IReadOnlyDictionary<NamespaceType, ulong> ns) =>
        [.. ns.Select(kv => new NamespaceKey(kv.Key, kv.Value))];

    private static Taken Reported(Action<PendingChanges> report)
    {
        var pending = new PendingChanges();
        report(pending);
        return pending.Take();
    }

    [Fact]
    public void AProcessInKnownNamespacesDoesNotMatter()
    {
        var taken = Reported(p => p.Add(new ProcFork(100, 100, 300, 300)));

        Assert.False(ChangeSignificance.MayChangeNamespaces(taken, s_last, _ => Keys(HostStateBuilderTests.Initial)));
        // Gone before it was looked at: it came and went within namespaces that are still there.
        Assert.False(ChangeSignificance.MayChangeNamespaces(taken, s_last, _ => null));
    }

    [Fact]
    public void AProcessInANewNamespaceMatters()
    {
        var unshared = new Dictionary<NamespaceType, ulong>(HostStateBuilderTests.Initial) { [NamespaceType.Net] = 4026532999 };
        var taken = Reported(p => p.Add(new ProcExec(300, 300)));

        Assert.True(ChangeSignificance.MayChangeNamespaces(taken, s_last, _ => Keys(unshared)));
    }

    [Fact]
    public void TheLastProcessOfANamespaceLeavingMatters()
    {
        Assert.False(ChangeSignificance.MayChangeNamespaces(Reported(p => p.Add(new ProcExit(201, 201, 0))), s_last, _ => null));
        Assert.True(ChangeSignificance.MayChangeNamespaces(
            Reported(p =>
            {
                p.Add(new ProcExit(201, 201, 0));
                p.Add(new ProcExit(200, 200, 9));
            }),
            s_last,
            _ => null));
        // A process the last scan never saw takes no namespace with it.
        Assert.False(ChangeSignificance.MayChangeNamespaces(Reported(p => p.Add(new ProcExit(999, 999, 0))), s_last, _ => null));
    }

    [Fact]
    public void MountNetworkAndEngineReportsAlwaysMatter()
    {
        Assert.True(ChangeSignificance.MayChangeNamespaces(Reported(p => p.MountTableChanged(4026531841)), s_last, _ => null));
        Assert.True(ChangeSignificance.MayChangeNamespaces(Reported(p => p.NetnsChanged(4026531840)), s_last, _ => null));
        Assert.True(ChangeSignificance.MayChangeNamespaces(Reported(p => p.DockerChanged()), s_last, _ => null));
        Assert.True(ChangeSignificance.MayChangeNamespaces(Reported(p => p.Add(ProcEventsLost.Instance)), s_last, _ => null));
        Assert.True(ChangeSignificance.MayChangeNamespaces(Reported(_ => { }), null, _ => null));
    }
}
