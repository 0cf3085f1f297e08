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

    internal static Ok<IReadOnlyList<NetnsInfo>> GetNetworkNamespaces(CurrentState current) =>
        TypedResults.Ok(current.State.NetworkNamespaceList);

    internal static Results<Ok<NetnsInfo>, ProblemHttpResult> GetNetworkNamespace(string inode, CurrentState current)
    {
        if (!Problems.TryParseInode(inode, out var number))
        {
            return Problems.NotAnInode(inode);
        }

        return current.State.NetworkNamespaces.TryGetValue(number, out var netns)
            ? TypedResults.Ok(netns)
            : Problems.NotFound("No such network namespace", $"No network namespace with inode {number} was found in the last scan.");
    }
}
