using Dashboard.Shared.Contracts;

namespace Dashboard.Server.Api;

internal static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/status", GetStatus)
            .WithName("GetStatus")
            .WithSummary("Where the data comes from: the Docker engine's state, the proc root, and counts from the last scan.")
            .WithTags("Status");
        return app;
    }

    internal static Microsoft.AspNetCore.Http.HttpResults.Ok<StatusInfo> GetStatus(CurrentState current) =>
        TypedResults.Ok(current.State.Status);
}
