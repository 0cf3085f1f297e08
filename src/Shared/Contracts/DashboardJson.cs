using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Dashboard.Shared.Contracts;

/// <summary>The JSON settings the API writes with and the client reads with.</summary>
public static class DashboardJson
{
    /// <summary>
    /// camelCase web defaults; enums are written by their kernel names through their own converters. The generated
    /// <see cref="DashboardJsonContext"/> answers first, reflection for anything it does not list.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(DashboardJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}
