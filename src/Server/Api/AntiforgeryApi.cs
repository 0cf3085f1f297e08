using Dashboard.Shared.Contracts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

internal static class AntiforgeryApi
{
    public static IEndpointRouteBuilder MapAntiforgeryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/antiforgery", GetToken)
            .WithName("GetAntiforgeryToken")
            .WithSummary("The token a browser logged in with the cookie sends in X-XSRF-TOKEN when it takes or deletes a snapshot; scripts with a bearer token need none.")
            .WithTags("Access");
        return app;
    }

    internal static Ok<AntiforgeryToken> GetToken(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new AntiforgeryToken { HeaderName = tokens.HeaderName!, RequestToken = tokens.RequestToken! });
    }
}
