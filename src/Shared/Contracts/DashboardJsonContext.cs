using System.Text.Json;
using System.Text.Json.Serialization;
using Dashboard.Shared.Live;

namespace Dashboard.Shared.Contracts;

/// <summary>
/// The contracts' JSON, generated at build time: what the browser reads most (the hub's messages, the REST lists,
/// the answers a prerendered page carries) is read without reflection, which in the WebAssembly interpreter costs
/// several times as much. <see cref="DashboardJson.Options"/> asks it first and falls back to reflection for any type
/// it does not list, so the JSON is the same either way.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LiveMessage))]
[JsonSerializable(typeof(StatusInfo))]
[JsonSerializable(typeof(List<ContainerInfo>))]
[JsonSerializable(typeof(IReadOnlyList<ContainerInfo>))]
[JsonSerializable(typeof(List<ContainerNamespaceRow>))]
[JsonSerializable(typeof(IReadOnlyList<ContainerNamespaceRow>))]
[JsonSerializable(typeof(List<NamespaceSummary>))]
[JsonSerializable(typeof(IReadOnlyList<NamespaceSummary>))]
[JsonSerializable(typeof(NamespaceDetail))]
[JsonSerializable(typeof(ProcessInfo))]
[JsonSerializable(typeof(TopologyGraph))]
[JsonSerializable(typeof(ReachabilityReport))]
[JsonSerializable(typeof(SnapshotPage))]
[JsonSerializable(typeof(SnapshotDetail))]
[JsonSerializable(typeof(SnapshotCreated))]
[JsonSerializable(typeof(SnapshotDiff))]
[JsonSerializable(typeof(Dictionary<string, string>))]
public sealed partial class DashboardJsonContext : JsonSerializerContext;
