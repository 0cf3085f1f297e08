using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

internal static class ProcessesApi
{
    public static IEndpointRouteBuilder MapProcessesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/processes/{pid}", GetProcess)
            .WithName("GetProcess")
            .WithSummary("One process by host PID, with its NSpid chain, its eight namespaces and its container.")
            .WithTags("Processes")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static Results<Ok<ProcessInfo>, ProblemHttpResult> GetProcess(string pid, CurrentState current)
    {
        if (!Problems.TryParsePid(pid, out var number))
        {
            return Problems.NotAPid(pid);
        }

        return current.State.Processes.TryGetValue(number, out var process)
            ? TypedResults.Ok(process)
            : Problems.UnknownProcess(number);
    }
}
