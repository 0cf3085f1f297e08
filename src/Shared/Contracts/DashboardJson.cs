using System.Text.Json;

namespace Dashboard.Shared.Contracts;

/// <summary>The JSON settings the API writes with and the client reads with.</summary>
public static class DashboardJson
{
    /// <summary>camelCase web defaults; enums are written by their kernel names through their own converters.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
