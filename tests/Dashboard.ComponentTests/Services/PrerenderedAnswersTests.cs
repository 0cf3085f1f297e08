using Dashboard.Client.Services;
using Dashboard.ComponentTests.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Dashboard.Shared.Contracts;

namespace Dashboard.ComponentTests.Services;

public sealed class PrerenderedAnswersTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();

    [Fact]
    public void An_answer_is_taken_once_and_keeps_the_APIs_JSON()
    {
        var answers = PrerenderedAnswers.Empty();
        answers.Record(PrerenderedAnswers.Keys.Containers, SampleData.Containers);

        Assert.True(answers.TryTake<IReadOnlyList<ContainerInfo>>(PrerenderedAnswers.Keys.Containers, out var taken));
        Assert.Equal(SampleData.Containers.Select(c => (c.Name, c.Pid)), taken.Select(c => (c.Name, c.Pid)));
        var (sent, got) = (SampleData.Containers[0].Namespaces![NamespaceType.Net], taken[0].Namespaces![NamespaceType.Net]);
        Assert.Equal((sent.Inode, sent.Sharing), (got.Inode, got.Sharing));
        Assert.Equal(sent.SharedWith.Select(c => c.Name), got.SharedWith.Select(c => c.Name));
        // The second question goes to the live sources.
        Assert.False(answers.TryTake<IReadOnlyList<ContainerInfo>>(PrerenderedAnswers.Keys.Containers, out _));
    }

    [Fact]
    public void Not_found_is_an_answer_too()
    {
        var answers = PrerenderedAnswers.Empty();
        answers.Record<ContainerInfo?>(PrerenderedAnswers.Keys.Container("gone"), null);

        Assert.True(answers.TryTake<ContainerInfo?>(PrerenderedAnswers.Keys.Container("gone"), out var taken));
        Assert.Null(taken);
        Assert.False(answers.TryTake<ContainerInfo?>(PrerenderedAnswers.Keys.Container("other"), out _));
    }

    [Fact]
    public void Keys_tell_the_questions_apart()
    {
        string[] keys =
        [
            PrerenderedAnswers.Keys.Namespaces(null), PrerenderedAnswers.Keys.Namespaces(NamespaceType.Net),
            PrerenderedAnswers.Keys.Container("web1"), PrerenderedAnswers.Keys.ContainerNamespaces("web1"),
            PrerenderedAnswers.Keys.Namespace(NamespaceType.Net, 4026531840), PrerenderedAnswers.Keys.Namespace(NamespaceType.Uts, 4026531840),
            PrerenderedAnswers.Keys.Process(1), PrerenderedAnswers.Keys.Status, PrerenderedAnswers.Keys.Containers,
            PrerenderedAnswers.Keys.Topology, PrerenderedAnswers.Keys.Reachability,
        ];

        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal("namespace/net/4026531840", PrerenderedAnswers.Keys.Namespace(NamespaceType.Net, 4026531840));
    }

    [Fact]
    public void The_browser_reads_what_the_page_carried_and_nothing_when_it_carried_nothing()
    {
        var state = _context.AddBunitPersistentComponentState();
        // As the server's page carries it: one JSON object, each answer under its key as the API writes it.
        var recorded = new Dictionary<string, System.Text.Json.JsonElement>
        {
            [PrerenderedAnswers.Keys.Status] = System.Text.Json.JsonSerializer.SerializeToElement(SampleData.Status, DashboardJson.Options),
        };
        state.Persist(PrerenderedAnswers.StateKey, recorded);
        var browser = PrerenderedAnswers.From(_context.Services.GetRequiredService<Microsoft.AspNetCore.Components.PersistentComponentState>());

        Assert.Equal(1, browser.Count);
        Assert.True(browser.TryTake<StatusInfo>(PrerenderedAnswers.Keys.Status, out var status));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(SampleData.Status, DashboardJson.Options), System.Text.Json.JsonSerializer.Serialize(status, DashboardJson.Options));
        Assert.Equal(0, PrerenderedAnswers.From(_context.Services.GetRequiredService<Microsoft.AspNetCore.Components.PersistentComponentState>()).Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
