using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dashboard.Shared.Contracts;
using Dashboard.Testing;

namespace Dashboard.IntegrationTests.Api;

/// <summary>
/// The pages as the server sends them, before any script runs: the tutorial's containers and namespaces are in the
/// HTML with the PIDs and inodes the kernel gives, and the answers the app's first render needs travel with the page.
/// </summary>
public sealed partial class PrerenderedPagesTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheContainersPageArrivesWithTheTutorialsRowsAsTheKernelSaysThem()
    {
        await using var docker = await DockerScope.CreateAsync();
        var network = await docker.CreateNetworkAsync("mynetwork");
        var web1 = await docker.RunAsync("web1", ["--network", network]);
        var web2 = await docker.RunAsync("web2", ["--network", network]);

        var html = await _http.GetStringAsync("/containers", Ct);
        Assert.Contains("data-app=\"prerendered\"", html);
        foreach (var name in new[] { web1, web2 })
        {
            Assert.Contains($"data-testid=\"container-row-{name}\"", html);
            var pid = await docker.PidAsync(name);
            Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), Cell(html, $"pid-{name}"));
            foreach (var type in NamespaceTypes.All)
            {
                // Each chip links to its namespace by inode: the one readlink gives for the container's init.
                var cell = Cell(html, $"ns-{type.ToKernelName()}-{name}");
                var link = Assert.Single(NamespaceLink().Matches(cell));
                Assert.Equal(type.ToKernelName(), link.Groups["type"].Value);
                Assert.Equal(await Shell.ReadlinkNsAsync(pid, type.ToKernelName()), ulong.Parse(link.Groups["inode"].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        // The app's first render takes the containers from the page rather than asking again: the same records.
        var answers = PersistedAnswers(html);
        var carried = answers["containers"].Deserialize<List<ContainerInfo>>(DashboardJson.Options)!;
        foreach (var name in new[] { web1, web2 })
        {
            var c = Assert.Single(carried, c => c.Name == name);
            Assert.Equal(await docker.PidAsync(name), c.Pid);
            Assert.Equal(await Shell.ReadlinkNsAsync(c.Pid!.Value, "net"), c.Namespaces![NamespaceType.Net].Inode);
        }

        Assert.True(answers.ContainsKey("status"), "the status bar's answer travels with the page too");
    }

    [Fact]
    public async Task TheNamespacesPageArrivesWithAContainersNetworkNamespace()
    {
        await using var docker = await DockerScope.CreateAsync();
        var web1 = await docker.RunAsync("web1");
        var pid = await docker.PidAsync(web1);
        var inode = await Shell.ReadlinkNsAsync(pid, "net");

        var html = await _http.GetStringAsync("/namespaces", Ct);
        Assert.Contains($"data-testid=\"ns-row-net-{inode}\"", html);
        Assert.Contains(web1, Cell(html, $"ns-containers-{inode}"));
        var carried = PersistedAnswers(html)["namespaces/all"].Deserialize<List<NamespaceSummary>>(DashboardJson.Options)!;
        Assert.Contains(carried, n => n.Type == NamespaceType.Net && n.Inode == inode);
    }

    [Fact]
    public async Task TheHistoryPageIsPrerenderedAsLoadingAndLeavesTheSnapshotsToTheApp()
    {
        using var response = await _http.GetAsync("/history", Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("data-testid=\"take-snapshot\"", html);
        Assert.DoesNotContain("data-testid=\"snapshot-row-", html);
    }

    /// <summary>The inner HTML of the element with <paramref name="testId"/> (cells hold no nested cells).</summary>
    private static string Cell(string html, string testId)
    {
        var match = Regex.Match(html, $"data-testid=\"{Regex.Escape(testId)}\"[^>]*>(?<inner>.*?)</td>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no cell {testId} in the page");
        return Regex.Replace(match.Groups["inner"].Value, "^\\s+|\\s+$", "");
    }

    /// <summary>
    /// The answers the page carries for the app (<c>PrerenderedAnswers</c>): Blazor puts the persisted state in a
    /// comment as base64 JSON whose values are base64 JSON themselves; ours is one object of answers by key.
    /// </summary>
    private static Dictionary<string, JsonElement> PersistedAnswers(string html)
    {
        var match = PersistedState().Match(html);
        Assert.True(match.Success, "the page carries no persisted state");
        var state = JsonSerializer.Deserialize<Dictionary<string, string>>(Convert.FromBase64String(match.Groups["state"].Value))!;
        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Encoding.UTF8.GetString(Convert.FromBase64String(state["dashboard-answers"])))!;
    }

    [GeneratedRegex("href=\"namespaces/(?<type>[a-z]+)/(?<inode>\\d+)\"")]
    private static partial Regex NamespaceLink();

    [GeneratedRegex("<!--Blazor-WebAssembly-Component-State:(?<state>[A-Za-z0-9+/=]+)-->")]
    private static partial Regex PersistedState();
}
