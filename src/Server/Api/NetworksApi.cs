using Dashboard.Server.State;
using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

internal static class NetworksApi
{
    public static IEndpointRouteBuilder MapNetworksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/networks").WithTags("Networks");

        group.MapGet("/", GetNetworks)
            .WithName("GetNetworks")
            .WithSummary("Every Docker network with its driver, subnets, gateways, Linux bridge, and the containers on it with their addresses.");

        group.MapGet("/{idOrName}", GetNetwork)
            .WithName("GetNetwork")
            .WithSummary("One Docker network: full id, then name, then unique id prefix.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    internal static Ok<IReadOnlyList<DockerNetworkInfo>> GetNetworks(CurrentState current) =>
        TypedResults.Ok(current.State.Networks);

    internal static Results<Ok<DockerNetworkInfo>, ProblemHttpResult> GetNetwork(string idOrName, CurrentState current)
    {
        var (network, matches) = NetworkLookup.Find(current.State.Networks, idOrName);
        if (network is not null)
        {
            return TypedResults.Ok(network);
        }

        return matches > 1
            ? Problems.BadRequest("Ambiguous network id prefix", $"'{idOrName}' is the start of {matches} network ids; give more characters or the name.")
            : Problems.NotFound("No such network", $"No Docker network has the id, name or unique id prefix '{idOrName}'.");
    }
}
