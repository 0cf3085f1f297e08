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
            // A process that exited between lsns and our scan takes its namespace with it; that is not a miss.
            if (!known.Contains((type, inode)) && pid > 0 && Directory.Exists($"/proc/{pid}"))
            {
                missing.Add($"{type}:[{inode}] (pid {pid})");
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public async Task StatusCountsWhatTheScanSaw()
    {
        var status = await _http.GetJsonAsync<StatusInfo>("/api/status");
        var namespaces = await _http.GetJsonAsync<List<NamespaceSummary>>("/api/namespaces");
        Assert.Equal("/proc", status.ProcRoot);
        Assert.True(status.ProcessCount > 1);
        Assert.True(status.NamespaceCount >= 8);
        // Both calls scan afresh, so the counts agree within whatever the machine did in between.
        Assert.InRange(namespaces.Count, status.NamespaceCount - 20, status.NamespaceCount + 20);
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
            Assert.Contains("bind-mount", ns.KeptAliveBy);
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
