using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

internal static class ContainersApi
{
    public static IEndpointRouteBuilder MapContainersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/containers").WithTags("Containers");

        group.MapGet("/", GetContainers)
            .WithName("GetContainers")
            .WithSummary("Every container, running or not, with its eight namespaces and how each is shared.");

        group.MapGet("/{idOrName}", GetContainer)
            .WithName("GetContainer")
            .WithSummary("One container, looked up as Docker does: full id, then name, then unique id prefix.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{idOrName}/namespaces", GetContainerNamespaces)
            .WithName("GetContainerNamespaces")
            .WithSummary("The container's eight namespaces, one row each, with the command that shows it on the host.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    internal static Ok<IReadOnlyList<ContainerInfo>> GetContainers(CurrentState current) =>
        TypedResults.Ok(current.State.Containers);

    internal static Results<Ok<ContainerInfo>, ProblemHttpResult> GetContainer(string idOrName, CurrentState current)
    {
        var lookup = DockerLookup.FindContainer(current.State.Containers, idOrName);
        return lookup.Container is { } c ? TypedResults.Ok(c) : Problems.ContainerLookupFailed(idOrName, lookup);
    }

    internal static Results<Ok<IReadOnlyList<ContainerNamespaceRow>>, ProblemHttpResult> GetContainerNamespaces(
        string idOrName, CurrentState current)
    {
        var lookup = DockerLookup.FindContainer(current.State.Containers, idOrName);
        if (lookup.Container is not { } c)
        {
            return Problems.ContainerLookupFailed(idOrName, lookup);
        }

        return TypedResults.Ok(NamespaceCatalog.ContainerRows(c));
    }
}
