using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Server.Security;

/// <summary>
/// The dashboard only reads, so an endpoint that does not name its methods answers GET and HEAD only. Endpoints that
/// change something name theirs (POST and DELETE of snapshots, the login forms); the hub's transports are left to SignalR.
/// Without this, endpoints the framework maps without methods (the WebAssembly resource list) would take any.
/// </summary>
internal static class ReadOnlyMethods
{
    public static IApplicationBuilder UseReadOnlyUnlessDeclared(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var method = context.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method)
            && context.GetEndpoint() is { } endpoint
            && endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is null
            && endpoint.Metadata.GetMetadata<HubMetadata>() is null)
        {
            context.Response.Headers.Allow = "GET, HEAD";
            await TypedResults.Problem(
                title: "Method not allowed",
                detail: $"{method} is not answered here; the dashboard only reads (GET, HEAD).",
                statusCode: StatusCodes.Status405MethodNotAllowed).ExecuteAsync(context);
            return;
        }

        await next(context);
    });
}
