using System.Text.Json;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Api;

/// <summary>Every namespace the kernel has, as lsns and ip netns see them, is in the API.</summary>
public sealed class HostNamespacesTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Fact]
    public async Task EveryNamespaceLsnsListsIsKnownWithTheSameType()
    {
        Requirements.Root();
        var lsns = (await Shell.RunAsync("lsns", "-J", "-o", "NS,TYPE,PID")).Out;
        var api = await _http.GetJsonAsync<List<NamespaceSummary>>("/api/namespaces");
        var known = api.Select(n => (n.Type.ToKernelName(), n.Inode)).ToHashSet();

        var missing = new List<string>();
        var rows = JsonDocument.Parse(lsns).RootElement.GetProperty("namespaces").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var type = row.GetProperty("type").GetString()!;
            var inode = row.GetProperty("ns").ValueKind == JsonValueKind.Number ? row.GetProperty("ns").GetUInt64() : ulong.Parse(row.GetProperty("ns").GetString()!);
            var pid = row.GetProperty("pid").ValueKind == JsonValueKind.Number ? row.GetProperty("pid").GetInt32() : 0;
            // A process that exited (or moved) between lsns and our scan may take its namespace with it; one still in it is a miss.
            if (!known.Contains((type, inode)) && pid > 0 && ReadLink($"/proc/{pid}/ns/{type}") == $"{type}:[{inode}]")
            {
                missing.Add($"{type}:[{inode}] (pid {pid})");
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public async Task EveryNamespaceTheApiListsIsInLsnsOrHiddenForAReasonTheKernelShows()
    {
        Requirements.Root();
        var api = await _http.GetJsonAsync<List<NamespaceSummary>>("/api/namespaces");
        var listed = await LsnsAsync();
        Assert.NotEmpty(api);
        Assert.Contains(api, n => !n.Hidden && listed.Contains((n.Type.ToKernelName(), n.Inode)));

        HashSet<(string Type, ulong Inode)>? relisted = null;
        var problems = new List<string>();
        foreach (var ns in api)
        {
            var type = ns.Type.ToKernelName();
            if (listed.Contains((type, ns.Inode)))
            {
                continue;
            }

            if (ns.Hidden)
            {
                // lsns only lists namespaces that a process is in: a hidden one must be kept alive as the API says.
                if (await HiddenProblemAsync(ns) is { } problem)
                {
                    problems.Add(problem);
                }

                continue;
            }

            // The API scanned before lsns ran: its processes may have exited since. If one is still in it, lsns missed it.
            var holder = ProcessesIn(type, ns.Inode).FirstOrDefault();
            if (holder == 0)
            {
                continue;
            }

            relisted ??= await LsnsAsync();
            if (!relisted.Contains((type, ns.Inode)))
            {
                problems.Add($"{type}:[{ns.Inode}] has pid {holder} in it but is not in lsns");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Null when a reason the API names for keeping the namespace alive holds in the kernel, read again once if not.</summary>
    private async Task<string?> HiddenProblemAsync(NamespaceSummary ns)
    {
        var type = ns.Type.ToKernelName();
        if (ns.KeptAliveBy.Count == 0)
        {
            return $"{type}:[{ns.Inode}] is hidden but the API names nothing that keeps it";
        }

        string? last = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // A mount, a descriptor or a thread may have gone since the API read them: the second look asks the API again.
            using var response = await _http.GetAsync($"/api/namespaces/{type}/{ns.Inode}", TestContext.Current.CancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null; // gone: no longer anything to list
            }

            var detail = await _http.GetJsonAsync<NamespaceDetail>($"/api/namespaces/{type}/{ns.Inode}");
            if (!detail.Hidden)
            {
                return null; // a process joined it since lsns ran
            }

            var name = $"{type}:[{ns.Inode}]";
            var shown = detail.KeptAliveBy.Where(reason => reason switch
            {
                KeptAliveReason.BindMount => NsfsMountRoots().Contains(name),
                KeptAliveReason.Fd => detail.OpenDescriptors.Any(d => ReadLink($"/proc/{d.Pid}/fd/{d.Fd}") == name),
                KeptAliveReason.Thread => detail.Processes.Any(p => p.Tid is { } tid && ReadLink($"/proc/{p.Pid}/task/{tid}/ns/{type}") == name),
                KeptAliveReason.Owner => detail.Children.Any(c => c.Relation == NamespaceRelation.Owned),
                KeptAliveReason.Parent => detail.Children.Any(c => c.Relation == NamespaceRelation.Child),
                _ => false,
            }).ToList();
            if (shown.Count > 0)
            {
                return null;
            }

            last = $"{name} is hidden, kept alive by {string.Join(", ", detail.KeptAliveBy)} says the API, but the kernel shows none of it";
        }

        return last;
    }

    private static async Task<HashSet<(string Type, ulong Inode)>> LsnsAsync()
    {
        var json = JsonDocument.Parse((await Shell.RunAsync("lsns", "-J", "-o", "NS,TYPE")).Out).RootElement;
        return json.GetProperty("namespaces").EnumerateArray()
            .Select(row => (row.GetProperty("type").GetString()!, row.GetProperty("ns").ValueKind == JsonValueKind.Number ? row.GetProperty("ns").GetUInt64() : ulong.Parse(row.GetProperty("ns").GetString()!)))
            .ToHashSet();
    }

    /// <summary>Host PIDs whose namespace of this type is the inode, read from /proc now.</summary>
    private static IEnumerable<int> ProcessesIn(string type, ulong inode) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ReadLink($"/proc/{pid}/ns/{type}") == $"{type}:[{inode}]");

    /// <summary>The roots of every nsfs mount in every mount namespace (<c>net:[4026532…]</c>), from each process's mountinfo.</summary>
    private static HashSet<string> NsfsMountRoots()
    {
        var roots = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            if (ReadLink($"{dir}/ns/mnt") is not { } mnt || !seen.Add(mnt))
            {
                continue;
            }

            try
            {
                foreach (var line in File.ReadLines($"{dir}/mountinfo"))
                {
                    // id parent major:minor root mountpoint options ... - fstype source superoptions
                    var fields = line.Split(' ');
                    var dash = Array.IndexOf(fields, "-");
                    if (dash > 0 && dash + 1 < fields.Length && fields[dash + 1] == "nsfs")
                    {
                        roots.Add(fields[3]);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                seen.Remove(mnt); // the process exited: another in the same mount namespace may still be read
            }
        }

        return roots;
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [Fact]
    public async Task StatusCountsWhatTheScanSaw()
    {
        var status = await _http.GetJsonAsync<StatusInfo>("/api/status");
        Assert.Equal("/proc", status.ProcRoot);
        Assert.True(status.ProcessCount > 1);
        Assert.True(status.NamespaceCount >= 8);

        // Two REST calls may see two states; the hub hands over one state's status and namespaces together (and the
        // status again with every change), so what a client holds must agree exactly, at whatever version it holds.
        await using (var live = await LiveSubscription.StartAsync(factory.Server))
        {
            var (counted, listed) = live.Read(l => (l.Status!.NamespaceCount, l.Namespaces.Count));
            Assert.Equal(counted, listed);
        }

        var namespaces = await _http.GetJsonAsync<List<NamespaceSummary>>("/api/namespaces");
        foreach (var type in NamespaceTypes.All)
        {
            var initial = Assert.Single(namespaces, n => n.Type == type && n.IsInitial);
            Assert.Equal(await Shell.ReadlinkNsAsync(2, type.ToKernelName()), initial.Inode);
        }
    }

    [Fact]
    public async Task OwnersAndParentsAreThemselvesKnownNamespaces()
    {
        var namespaces = await _http.GetJsonAsync<List<NamespaceSummary>>("/api/namespaces");
        var users = namespaces.Where(n => n.Type == NamespaceType.User).Select(n => n.Inode).ToHashSet();
        foreach (var ns in namespaces)
        {
            if (ns.OwnerInode is { } owner)
            {
                Assert.Contains(owner, users);
            }

            if (ns.ParentInode is { } parent)
            {
                Assert.Contains(namespaces, n => n.Type == ns.Type && n.Inode == parent);
            }
        }
    }

    [Fact]
    public async Task IpNetnsNamespaceWithNoProcessIsFoundThroughItsBindMount()
    {
        Requirements.Root();
        var name = $"dt-{Guid.NewGuid().ToString("N")[..6]}-netns";
        await Shell.RunAsync("ip", "netns", "add", name);
        try
        {
            var inode = ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{name}")).Out);
            var ns = await _http.GetJsonAsync<NamespaceDetail>($"/api/namespaces/net/{inode}");
            Assert.Contains($"/run/netns/{name}", ns.BindMounts);
            Assert.True(ns.Hidden);
            Assert.Equal(0, ns.ProcessCount);
            Assert.Contains(KeptAliveReason.BindMount, ns.KeptAliveBy);
            Assert.Empty(ns.Processes);

            var listed = await _http.GetJsonAsync<List<NamespaceSummary>>("/api/namespaces?type=net");
            Assert.Contains(listed, n => n.Inode == inode && n.Hidden);
        }
        finally
        {
            await Shell.RunAsync("ip", ["netns", "delete", name], check: false);
        }
    }
}
