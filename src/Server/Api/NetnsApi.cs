using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

internal static class NetnsApi
{
    public static IEndpointRouteBuilder MapNetnsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/netns").WithTags("Network namespaces");

        group.MapGet("/", GetNetworkNamespaces)
            .WithName("GetNetworkNamespaces")
            .WithSummary("Every network namespace with its interfaces, addresses, veth peers, default routes, listening sockets, containers and processes; the host's first.");

        group.MapGet("/{inode}", GetNetworkNamespace)
            .WithName("GetNetworkNamespace")
            .WithSummary("One network namespace by inode.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    internal static async Task<Ok<IReadOnlyList<NetnsInfo>>> GetNetworkNamespaces(IHostStateProvider state, CancellationToken ct) =>
        TypedResults.Ok((await state.GetCurrentAsync(ct)).NetworkNamespaceList);

    internal static async Task<Results<Ok<NetnsInfo>, ProblemHttpResult>> GetNetworkNamespace(string inode, IHostStateProvider state, CancellationToken ct)
    {
        if (!Problems.TryParseInode(inode, out var number))
        {
            return Problems.NotAnInode(inode);
        }

        return (await state.GetCurrentAsync(ct)).NetworkNamespaces.TryGetValue(number, out var netns)
            ? TypedResults.Ok(netns)
            : Problems.NotFound("No such network namespace", $"No network namespace with inode {number} was found in the last scan.");
    }
}
