using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Client.Model;
using Dashboard.Shared.Contracts;

namespace Dashboard.Client.Services;

/// <summary>
/// The snapshot endpoints of the REST API. Answers that are not a success
/// throw <see cref="ApiProblemException"/> with the server's own words (404 for a snapshot that is gone, 503 when the
/// store cannot be used).
/// </summary>
public sealed class SnapshotsClient(HttpClient http) : ISnapshots
{
    public async Task<SnapshotPage> ListAsync(DateTimeOffset? from, DateTimeOffset? to, int limit, int offset, CancellationToken cancellationToken = default)
    {
        var query = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"limit={limit}"),
            string.Create(CultureInfo.InvariantCulture, $"offset={offset}"),
        };
        if (from is { } f)
        {
            query.Add("from=" + Uri.EscapeDataString(HistoryQuery.FormatTime(f)));
        }

        if (to is { } t)
        {
            query.Add("to=" + Uri.EscapeDataString(HistoryQuery.FormatTime(t)));
        }

        return await ReadAsync<SnapshotPage>(await http.GetAsync("api/snapshots?" + string.Join("&", query), cancellationToken), cancellationToken);
    }

    public async Task<SnapshotDetail> GetAsync(long id, CancellationToken cancellationToken = default) =>
        await ReadAsync<SnapshotDetail>(await http.GetAsync(DashboardLinks.SnapshotJson(id), cancellationToken), cancellationToken);

    public async Task<SnapshotDiff> DiffAsync(long id, long otherId, CancellationToken cancellationToken = default) =>
        await ReadAsync<SnapshotDiff>(
            await http.GetAsync(string.Create(CultureInfo.InvariantCulture, $"api/snapshots/{id}/diff/{otherId}"), cancellationToken), cancellationToken);

    public async Task<SnapshotSummary> TakeAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync<SnapshotCreated>(await http.PostAsync("api/snapshots", content: null, cancellationToken), cancellationToken)).Snapshot;

    public async Task<bool> DeleteAsync(long id, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync(DashboardLinks.SnapshotJson(id), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await ThrowUnlessSuccessAsync(response, cancellationToken);
        return true;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            await ThrowUnlessSuccessAsync(response, cancellationToken);
            return await response.Content.ReadFromJsonAsync<T>(DashboardJson.Options, cancellationToken)
                ?? throw new JsonException($"The server answered {(int)response.StatusCode} with no content.");
        }
    }

    private static async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        ProblemAnswer? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<ProblemAnswer>(DashboardJson.Options, cancellationToken);
            }
            catch (JsonException)
            {
                // Not a problem answer after all (a proxy's page); the status code alone will do.
            }
        }

        throw new ApiProblemException(response.StatusCode, problem?.Title, problem?.Detail);
    }

    private sealed record ProblemAnswer(string? Title, string? Detail);
}
