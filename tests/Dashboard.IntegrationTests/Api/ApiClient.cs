using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Shared.Contracts;

namespace Dashboard.IntegrationTests.Api;

internal static class ApiClient
{
    public static async Task<T> GetJsonAsync<T>(this HttpClient http, string url)
    {
        using var response = await http.GetAsync(url, TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<T>(DashboardJson.Options))!;
    }

    /// <summary>Asserts an RFC 7807 answer with the given status and returns its body.</summary>
    public static async Task<JsonElement> GetProblemAsync(this HttpClient http, string url, HttpStatusCode expected)
    {
        using var response = await http.GetAsync(url, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"GET {url}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
