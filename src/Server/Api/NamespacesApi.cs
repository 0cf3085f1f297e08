using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

internal static class NamespacesApi
{
    public static IEndpointRouteBuilder MapNamespacesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/namespaces").WithTags("Namespaces");

        group.MapGet("/", GetNamespaces)
            .WithName("GetNamespaces")
            .WithSummary("Every namespace on the host, including hidden ones kept alive by bind mounts, descriptors or children; filter by type, container or process.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{type}/{inode}", GetNamespace)
            .WithName("GetNamespace")
            .WithSummary("One namespace with its processes and, for user namespaces, its uid and gid maps.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    internal static Results<Ok<IReadOnlyList<NamespaceSummary>>, ProblemHttpResult> GetNamespaces(
        CurrentState current, string? type = null, string? container = null, string? pid = null)
    {
        NamespaceType? wanted = null;
        if (type is not null)
        {
            if (!NamespaceTypes.TryParse(type, out var t))
            {
                return Problems.UnknownType(type);
            }

            wanted = t;
        }

        int? wantedPid = null;
        if (pid is not null)
        {
            if (!Problems.TryParsePid(pid, out var p))
            {
                return Problems.NotAPid(pid);
            }

            wantedPid = p;
        }

        IEnumerable<NamespaceSummary> result = current.State.NamespaceList;
        if (wanted is { } onlyType)
        {
            result = result.Where(n => n.Type == onlyType);
        }

        if (container is not null)
        {
            var lookup = DockerLookup.FindContainer(current.State.Containers, container);
            if (lookup.Container is not { } c)
            {
                return Problems.ContainerLookupFailed(container, lookup);
            }

            var inodes = c.Namespaces?.Select(kv => new NamespaceKey(kv.Key, kv.Value.Inode)).ToHashSet() ?? [];
            result = result.Where(n => inodes.Contains(new NamespaceKey(n.Type, n.Inode)));
        }

        if (wantedPid is { } onlyPid)
        {
            if (!current.State.Processes.TryGetValue(onlyPid, out var process))
            {
                return Problems.UnknownProcess(onlyPid);
            }

            var inodes = process.Namespaces.Select(kv => new NamespaceKey(kv.Key, kv.Value)).ToHashSet();
            result = result.Where(n => inodes.Contains(new NamespaceKey(n.Type, n.Inode)));
        }

        return TypedResults.Ok<IReadOnlyList<NamespaceSummary>>(result.ToList());
    }

    internal static Results<Ok<NamespaceDetail>, ProblemHttpResult> GetNamespace(
        string type, string inode, CurrentState current)
    {
        if (!NamespaceTypes.TryParse(type, out var t))
        {
            return Problems.UnknownType(type);
        }

        if (!Problems.TryParseInode(inode, out var number))
        {
            return Problems.NotAnInode(inode);
        }

        return current.State.Namespaces.TryGetValue(new NamespaceKey(t, number), out var detail)
            ? TypedResults.Ok(detail)
            : Problems.NotFound("No such namespace", $"No {type} namespace with inode {number} was found in the last scan.");
    }
}
