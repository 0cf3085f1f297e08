using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Dashboard.Client.Services;

/// <summary>
/// What the server answered the pages while it prerendered them, handed to the browser in the page itself
/// (<see cref="PersistentComponentState"/>), so that the WebAssembly app's first render shows the same rows at once
/// instead of a blank table while it asks again. The server records (<see cref="Record"/>); the browser takes each
/// answer once (<see cref="TryTake"/>) and asks the hub or the REST API from then on.
/// </summary>
public sealed class PrerenderedAnswers
{
    /// <summary>The key of the answers in the page's persisted state.</summary>
    public const string StateKey = "dashboard-answers";

    private readonly Lock _lock = new();
    // On the server: each answer's JSON as the API writes it, by key.
    private readonly Dictionary<string, string> _recorded = [];
    // In the browser: the answers the page carried, as one JSON object by key, and the keys already taken.
    private readonly JsonElement? _carried;
    private readonly HashSet<string> _taken = [];

    private PrerenderedAnswers(JsonElement? carried) => _carried = carried;

    /// <summary>Nothing recorded yet: what the server fills while it prerenders.</summary>
    public static PrerenderedAnswers Empty() => new(null);

    /// <summary>The answers the page carried, or none (not prerendered, or the state was taken already).</summary>
    public static PrerenderedAnswers From(PersistentComponentState state) =>
        new(state.TryTakeFromJson<JsonElement>(StateKey, out var carried) && carried.ValueKind == JsonValueKind.Object ? carried : null);

    /// <summary>
    /// Puts the recorded answers into the page when the server has rendered it, for the WebAssembly app only: one JSON
    /// object whose members are the answers as they are, so the browser parses each once and unescapes nothing.
    /// </summary>
    public PersistingComponentStateSubscription PersistInto(PersistentComponentState state) =>
        state.RegisterOnPersisting(
            () =>
            {
                lock (_lock)
                {
                    if (_recorded.Count > 0)
                    {
                        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                        using (var writer = new Utf8JsonWriter(buffer))
                        {
                            writer.WriteStartObject();
                            foreach (var (key, json) in _recorded)
                            {
                                writer.WritePropertyName(key);
                                writer.WriteRawValue(json, skipInputValidation: true);
                            }

                            writer.WriteEndObject();
                        }

                        using var document = JsonDocument.Parse(buffer.WrittenMemory);
                        state.PersistAsJson(StateKey, document.RootElement);
                    }
                }

                return Task.CompletedTask;
            },
            RenderMode.InteractiveWebAssembly);

    /// <summary>How many answers there are: recorded on the server, carried and not yet taken in the browser.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _carried is { } carried ? carried.EnumerateObject().Count(p => !_taken.Contains(p.Name)) : _recorded.Count;
            }
        }
    }

    /// <summary>Records an answer under <paramref name="key"/> (see <see cref="Keys"/>), in the API's own JSON.</summary>
    public T Record<T>(string key, T answer)
    {
        var json = JsonSerializer.Serialize(answer, DashboardJson.Options);
        lock (_lock)
        {
            _recorded[key] = json;
        }

        return answer;
    }

    /// <summary>The answer under <paramref name="key"/>, once: a second call asks the live sources.</summary>
    public bool TryTake<T>(string key, [MaybeNullWhen(false)] out T answer)
    {
        JsonElement element = default;
        string? json = null;
        lock (_lock)
        {
            if (_carried is { } carried)
            {
                if (!carried.TryGetProperty(key, out element) || !_taken.Add(key))
                {
                    answer = default;
                    return false;
                }
            }
            else if (!_recorded.Remove(key, out json))
            {
                answer = default;
                return false;
            }
        }

        answer = json is not null
            ? JsonSerializer.Deserialize<T>(json, DashboardJson.Options)!
            : element.Deserialize<T>(DashboardJson.Options)!;
        return true;
    }

    /// <summary>The keys, one per question a page asks; the server and the browser must spell them alike.</summary>
    public static class Keys
    {
        public const string Status = "status";
        public const string Containers = "containers";
        public const string Topology = "topology";
        public const string Reachability = "reachability";

        public static string Namespaces(NamespaceType? type) => "namespaces/" + (type?.ToKernelName() ?? "all");

        public static string Container(string idOrName) => "container/" + idOrName;

        public static string ContainerNamespaces(string idOrName) => "container-namespaces/" + idOrName;

        public static string Namespace(NamespaceType type, ulong inode) =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"namespace/{type.ToKernelName()}/{inode}");

        public static string Process(int pid) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"process/{pid}");
    }
}
