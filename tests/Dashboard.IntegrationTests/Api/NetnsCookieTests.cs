using System.Globalization;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Api;

/// <summary>
/// Namespace cookies through the API against the kernel's own answer, and topology ids that change when a namespace
/// is deleted and made again under the same name, whether or not the kernel hands it the same inode.
/// </summary>
public sealed class NetnsCookieTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Fact]
    public async Task EachNamespaceHasItsOwnCookieStableAcrossCallsAndTheTopologyIdsCarryIt()
    {
        Requirements.Root();
        var (a, b) = (NewName(), NewName());
        try
        {
            await Shell.RunAsync("ip", "netns", "add", a);
            await Shell.RunAsync("ip", "netns", "add", b);
            var (inodeA, inodeB) = (await InodeOfAsync(a), await InodeOfAsync(b));

            var first = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{inodeA}");
            var again = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{inodeA}");
            var other = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{inodeB}");

            Assert.NotNull(first.Cookie);
            Assert.Equal(NetnsCookie.Read($"/run/netns/{a}"), first.Cookie);
            Assert.Equal(first.Cookie, again.Cookie);
            Assert.Equal(NetnsCookie.Read($"/run/netns/{b}"), other.Cookie);
            Assert.NotEqual(first.Cookie, other.Cookie);

            var graph = await _http.GetJsonAsync<TopologyGraph>("/api/topology");
            var node = Assert.Single(graph.Nodes, n => n.Kind == TopologyNodeKinds.Netns && n.Details["inode"] == $"{inodeA}");
            Assert.Equal($"netns:{inodeA}:{first.Cookie}", node.Id);
            Assert.Equal($"ip netns {a}", node.Label);
            var lo = Assert.Single(graph.Nodes, n => n.Parent == node.Id);
            Assert.StartsWith($"if:{inodeA}:{first.Cookie}#", lo.Id, StringComparison.Ordinal);

            // The host has a cookie too; its interfaces' ids carry it.
            var hostInode = await Shell.ReadlinkNsAsync(Environment.ProcessId, "net");
            var host = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{hostInode}");
            Assert.Equal(NetnsCookie.Read($"/proc/{Environment.ProcessId}/ns/net"), host.Cookie);
            Assert.Contains(graph.Nodes, n => n.Parent == "host" && n.Id.StartsWith($"if:{hostInode}:{host.Cookie}#", StringComparison.Ordinal));
        }
        finally
        {
            await Shell.RunAsync("ip", ["netns", "del", a], check: false);
            await Shell.RunAsync("ip", ["netns", "del", b], check: false);
        }
    }

    [Fact]
    public async Task ANamespaceDeletedAndMadeAgainUnderTheSameNameGetsANewCookieAndNewIds()
    {
        Requirements.Root();
        var name = NewName();
        try
        {
            await Shell.RunAsync("ip", "netns", "add", name);
            var oldInode = await InodeOfAsync(name);
            var old = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{oldInode}");
            var oldIds = await IdsOfAsync(oldInode);

            await Shell.RunAsync("ip", "netns", "del", name);
            await Shell.RunAsync("ip", "netns", "add", name);
            var newInode = await InodeOfAsync(name);
            var made = await _http.GetJsonAsync<NetnsInfo>($"/api/netns/{newInode}");
            var newIds = await IdsOfAsync(newInode);

            // The kernel may or may not reuse the inode; the cookie is new either way, and so are the ids.
            Assert.NotNull(old.Cookie);
            Assert.NotNull(made.Cookie);
            Assert.NotEqual(old.Cookie, made.Cookie);
            Assert.Equal(NetnsCookie.Read($"/run/netns/{name}"), made.Cookie);
            Assert.NotEmpty(oldIds);
            Assert.NotEmpty(newIds);
            Assert.Empty(oldIds.Intersect(newIds));
            TestContext.Current.SendDiagnosticMessage(
                $"inode {(oldInode == newInode ? "reused" : "not reused")}: {oldInode} → {newInode}, cookie {old.Cookie} → {made.Cookie}");
        }
        finally
        {
            await Shell.RunAsync("ip", ["netns", "del", name], check: false);
        }
    }

    private static string NewName() => $"dt-{Guid.NewGuid().ToString("N")[..6]}";

    private static async Task<ulong> InodeOfAsync(string name) =>
        ulong.Parse((await Shell.RunAsync("stat", "-L", "-c", "%i", $"/run/netns/{name}")).Out, CultureInfo.InvariantCulture);

    /// <summary>The ids of the namespace's node and its interfaces' nodes.</summary>
    private async Task<HashSet<string>> IdsOfAsync(ulong inode)
    {
        var graph = await _http.GetJsonAsync<TopologyGraph>("/api/topology");
        var node = Assert.Single(graph.Nodes, n => n.Kind == TopologyNodeKinds.Netns && n.Details["inode"] == $"{inode}");
        return [node.Id, .. graph.Nodes.Where(n => n.Parent == node.Id).Select(n => n.Id)];
    }
}
