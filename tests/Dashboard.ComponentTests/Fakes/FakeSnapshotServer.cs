using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Dashboard.ComponentTests.Fakes;

/// <summary>
/// The server's snapshot endpoints in memory, behind an <see cref="HttpMessageHandler"/>, so
/// that the pages' real <see cref="SnapshotsClient"/> builds the real requests. Answers as SnapshotsApi does: newest
/// first, limit and offset, the time range, 201 / 204 / 404, and 503 problem answers while <see cref="Unavailable"/>.
/// </summary>
public sealed partial class FakeSnapshotServer : HttpMessageHandler
{
    private readonly Lock _lock = new();

    public List<SnapshotSummary> Snapshots { get; } = [];

    public Dictionary<long, SnapshotDetail> Details { get; } = new() { [SampleSnapshots.PastId] = SampleSnapshots.Past };

    public Dictionary<(long From, long To), SnapshotDiff> Diffs { get; } = [];

    /// <summary>"METHOD path?query" of every request, in order.</summary>
    public List<string> Requests { get; } = [];

    /// <summary>When set, the store cannot be used: the status says so and every snapshot call answers 503 with this.</summary>
    public string? Unavailable { get; set; }

    /// <summary>When set, the status reports a failing store with this error (calls still work).</summary>
    public string? Failing { get; set; }

    /// <summary>When set, every request waits for it.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public DateTimeOffset Now { get; set; } = SampleSnapshots.Now;

    /// <summary>The store as the server's status reports it (the live status carries the same).</summary>
    public StorageStatus Storage => new()
    {
        State = Unavailable is not null ? StorageState.Unavailable : Failing is not null ? StorageState.Failing : StorageState.Ok,
        Path = "data/dashboard.db",
        Error = Unavailable ?? Failing,
        SnapshotCount = Snapshots.Count,
        LastSnapshotAt = Snapshots.Count == 0 ? null : Snapshots.Max(s => s.TakenAt),
        FileBytes = 3_250_586,
        SchemaVersion = 2,
    };

    public int Count(string request)
    {
        lock (_lock)
        {
            return Requests.Count(r => r.StartsWith(request, StringComparison.Ordinal));
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath.TrimStart('/');
        lock (_lock)
        {
            Requests.Add($"{request.Method} {path}{request.RequestUri.Query}");
        }

        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        lock (_lock)
        {
            return Answer(request.Method, path, Query(request.RequestUri));
        }
    }

    private HttpResponseMessage Answer(HttpMethod method, string path, Dictionary<string, string> query)
    {
        if (!path.StartsWith("api/snapshots", StringComparison.Ordinal))
        {
            return Problem(HttpStatusCode.NotFound, "Not found", $"No endpoint {path}.");
        }

        if (Unavailable is { } why)
        {
            return Problem(HttpStatusCode.ServiceUnavailable, "Snapshot storage unavailable", why);
        }

        if (path == "api/snapshots" && method == HttpMethod.Get)
        {
            var from = query.TryGetValue("from", out var f) ? DateTimeOffset.Parse(f, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue;
            var to = query.TryGetValue("to", out var t) ? DateTimeOffset.Parse(t, CultureInfo.InvariantCulture) : DateTimeOffset.MaxValue;
            var limit = query.TryGetValue("limit", out var l) ? int.Parse(l, CultureInfo.InvariantCulture) : 50;
            var offset = query.TryGetValue("offset", out var o) ? int.Parse(o, CultureInfo.InvariantCulture) : 0;
            var matching = Snapshots.Where(s => s.TakenAt >= from && s.TakenAt <= to).OrderByDescending(s => s.Id).ToList();
            return Json(HttpStatusCode.OK, new SnapshotPage { Items = matching.Skip(offset).Take(limit).ToList(), Total = matching.Count });
        }

        if (path == "api/snapshots" && method == HttpMethod.Post)
        {
            var summary = SampleSnapshots.Summary(Snapshots.Count == 0 ? 1 : Snapshots.Max(s => s.Id) + 1, Now, SnapshotReason.Manual);
            Snapshots.Add(summary);
            return Json(HttpStatusCode.Created, new SnapshotCreated { Snapshot = summary });
        }

        if (DiffPath().Match(path) is { Success: true } diff)
        {
            var key = (long.Parse(diff.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(diff.Groups[2].Value, CultureInfo.InvariantCulture));
            return Diffs.TryGetValue(key, out var answer)
                ? Json(HttpStatusCode.OK, answer)
                : Problem(HttpStatusCode.NotFound, "No such snapshot", $"There is no snapshot {key.Item1}; it may have been deleted or removed by retention.");
        }

        if (OnePath().Match(path) is { Success: true } one)
        {
            var id = long.Parse(one.Groups[1].Value, CultureInfo.InvariantCulture);
            var gone = Problem(HttpStatusCode.NotFound, "No such snapshot", $"There is no snapshot {id}; it may have been deleted or removed by retention.");
            if (method == HttpMethod.Delete)
            {
                return Snapshots.RemoveAll(s => s.Id == id) > 0 | Details.Remove(id) ? new HttpResponseMessage(HttpStatusCode.NoContent) : gone;
            }

            return Details.TryGetValue(id, out var detail) ? Json(HttpStatusCode.OK, detail) : gone;
        }

        return Problem(HttpStatusCode.NotFound, "Not found", $"No endpoint {method} {path}.");
    }

    private static Dictionary<string, string> Query(Uri uri) => uri.Query.TrimStart('?')
        .Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => p.Split('=', 2))
        .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");

    private static HttpResponseMessage Json<T>(HttpStatusCode status, T body) =>
        new(status) { Content = JsonContent.Create(body, options: DashboardJson.Options) };

    private static HttpResponseMessage Problem(HttpStatusCode status, string title, string detail) => new(status)
    {
        Content = JsonContent.Create(new { type = "about:blank", title, status = (int)status, detail },
            mediaType: new System.Net.Http.Headers.MediaTypeHeaderValue("application/problem+json")),
    };

    [GeneratedRegex(@"^api/snapshots/(\d+)/diff/(\d+)$")]
    private static partial Regex DiffPath();

    [GeneratedRegex(@"^api/snapshots/(\d+)$")]
    private static partial Regex OnePath();
}
