using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

internal static class TopologyApi
{
    public static IEndpointRouteBuilder MapTopologyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/topology").WithTags("Topology");

        group.MapGet("/", GetTopology)
            .WithName("GetTopology")
            .WithSummary("The network wiring as a graph: the host, network namespaces, containers, interfaces, bridges and Docker networks, joined by veth, bridge-port, member-of and in-network edges; ids stay the same while the thing exists.");

        group.MapGet("/reachability", GetReachability)
            .WithName("GetReachability")
            .WithSummary("Every pair of running containers, whether they can reach each other and why; derived from the topology and the engine's configuration, no packet sent.");

        return app;
    }

    internal static Ok<TopologyGraph> GetTopology(CurrentState current) =>
        TypedResults.Ok(current.State.Topology);

    internal static Ok<ReachabilityReport> GetReachability(CurrentState current) =>
        TypedResults.Ok(current.State.Reachability);
}
