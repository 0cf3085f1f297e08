using System.Globalization;
using Dashboard.Server.Authentication;
using Dashboard.Server.Storage;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

internal static class SnapshotsApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapSnapshotsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/snapshots").WithTags("Snapshots");
        group.MapGet("/", List)
            .WithName("ListSnapshots")
            .WithSummary($"Snapshots taken in [from, to] (ISO 8601), newest first; limit 1–{MaxLimit} (default {DefaultLimit}), offset ≥ 0.");
        group.MapGet("/{id}", Get)
            .WithName("GetSnapshot")
            .WithSummary("The host's state as the snapshot recorded it.");
        group.MapGet("/{id}/diff/{otherId}", Diff)
            .WithName("DiffSnapshots")
            .WithSummary("What changed from snapshot id to snapshot otherId: containers, namespaces, sharing, interfaces and addresses.");
        group.MapPost("/", Take)
            .WithName("TakeSnapshot")
            .WithSummary("Takes a snapshot of the host as it is now; 201 with the new snapshot.")
            .RequireCookieAntiforgery();
        group.MapDelete("/{id}", Delete)
            .WithName("DeleteSnapshot")
            .WithSummary("Removes one snapshot (the dashboard's own data; nothing on the host changes).")
            .RequireCookieAntiforgery();
        return app;
    }

    internal static async Task<Results<Ok<SnapshotPage>, ProblemHttpResult>> List(
        ISnapshotStore store, CancellationToken ct, string? from = null, string? to = null, string? limit = null, string? offset = null)
    {
        if (!TryParseTime(from, out var fromTime))
        {
            return NotATime("from", from!);
        }

        if (!TryParseTime(to, out var toTime))
        {
            return NotATime("to", to!);
        }

        if (fromTime > toTime)
        {
            return Problems.BadRequest("Inverted time range", $"'from' ({from}) is after 'to' ({to}); swap them.");
        }

        var pageSize = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxLimit))
        {
            return Problems.BadRequest("Invalid limit", $"'{limit}' is not a page size; use a whole number from 1 to {MaxLimit}.");
        }

        var skip = 0;
        if (offset is not null && !int.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out skip))
        {
            return Problems.BadRequest("Invalid offset", $"'{offset}' is not an offset; use a whole number from 0 to {int.MaxValue}.");
        }

        return await Guarded(async Task<Results<Ok<SnapshotPage>, ProblemHttpResult>> () => TypedResults.Ok(await store.ListAsync(fromTime, toTime, pageSize, skip, ct)));
    }

    internal static async Task<Results<Ok<SnapshotDetail>, ProblemHttpResult>> Get(string id, ISnapshotStore store, CancellationToken ct)
    {
        if (!TryParseId(id, out var number))
        {
            return NotAnId(id);
        }

        return await Guarded(async Task<Results<Ok<SnapshotDetail>, ProblemHttpResult>> () =>
            await store.GetAsync(number, ct) is { } detail ? TypedResults.Ok(detail) : UnknownSnapshot(number));
    }

    internal static async Task<Results<Ok<SnapshotDiff>, ProblemHttpResult>> Diff(string id, string otherId, ISnapshotStore store, CancellationToken ct)
    {
        if (!TryParseId(id, out var first))
        {
            return NotAnId(id);
        }

        if (!TryParseId(otherId, out var second))
        {
            return NotAnId(otherId);
        }

        return await Guarded(async Task<Results<Ok<SnapshotDiff>, ProblemHttpResult>> () =>
        {
            if (await store.GetAsync(first, ct) is not { } a)
            {
                return UnknownSnapshot(first);
            }

            if (await store.GetAsync(second, ct) is not { } b)
            {
                return UnknownSnapshot(second);
            }

            return TypedResults.Ok(SnapshotDiffer.Between(a.Snapshot, a.State, b.Snapshot, b.State));
        });
    }

    internal static async Task<Results<Created<SnapshotCreated>, ProblemHttpResult>> Take(SnapshotService snapshots, CancellationToken ct) =>
        await Guarded(async Task<Results<Created<SnapshotCreated>, ProblemHttpResult>> () =>
        {
            var summary = await snapshots.TakeNowAsync(ct);
            return TypedResults.Created($"/api/snapshots/{summary.Id}", new SnapshotCreated { Snapshot = summary });
        });

    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, ISnapshotStore store, CancellationToken ct)
    {
        if (!TryParseId(id, out var number))
        {
            return NotAnId(id);
        }

        return await Guarded(async Task<Results<NoContent, ProblemHttpResult>> () =>
            await store.DeleteAsync(number, ct) ? TypedResults.NoContent() : UnknownSnapshot(number));
    }

    /// <summary>A store that cannot serve the call is the server's state, not the caller's mistake: 503 with why.</summary>
    private static async Task<Results<T, ProblemHttpResult>> Guarded<T>(Func<Task<Results<T, ProblemHttpResult>>> call)
        where T : IResult
    {
        try
        {
            return await call();
        }
        catch (SnapshotStoreUnavailableException e)
        {
            return TypedResults.Problem(title: StoreUnavailableTitle, detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    private static bool TryParseId(string text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    private static ProblemHttpResult NotATime(string name, string text) => Problems.BadRequest(
        $"Invalid '{name}' time",
        $"'{text}' is not a time; use ISO 8601, e.g. 2026-11-29T10:00:00Z.");

    private static ProblemHttpResult NotAnId(string text) => Problems.BadRequest(
        "Invalid snapshot id",
        $"'{text}' is not a snapshot id; ids are positive integers as listed by GET /api/snapshots.");

    private static ProblemHttpResult UnknownSnapshot(long id) => Problems.NotFound(UnknownSnapshotTitle, UnknownSnapshotDetail(id));

    internal const string UnknownSnapshotTitle = "No such snapshot";

    internal static string UnknownSnapshotDetail(long id) => $"There is no snapshot {id}; it may have been deleted or removed by retention.";

    internal const string StoreUnavailableTitle = "Snapshot storage unavailable";
}
