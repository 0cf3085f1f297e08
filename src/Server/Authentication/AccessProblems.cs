namespace Dashboard.Server.Authentication;

/// <summary>The RFC 7807 answers of access control; API clients get these, never a redirect to a login page.</summary>
internal static class AccessProblems
{
    /// <summary>
    /// Paths that scripts and the app's own code call: they get status codes; everything else is a page. The WebAssembly
    /// debug proxy (Development) counts too: a debugger, not a person, calls it, and a redirect would tell it nothing.
    /// </summary>
    public static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hubs") || request.Path.StartsWithSegments("/openapi")
        || request.Path.StartsWithSegments("/_framework/debug");

    public static Task UnauthorizedAsync(HttpContext context, bool tokenGiven)
    {
        // RFC 6750: say which scheme is expected, and that the one sent was wrong.
        context.Response.Headers.WWWAuthenticate = tokenGiven ? "Bearer realm=\"dashboard\", error=\"invalid_token\"" : "Bearer realm=\"dashboard\"";
        return TypedResults.Problem(
            title: tokenGiven ? "Wrong access token" : "Access token required",
            detail: tokenGiven
                ? "The token sent is not this dashboard's. Use the one configured in Dashboard:AccessToken, or the one in the login URL the server printed at start."
                : "Send 'Authorization: Bearer <token>' (the hub also takes ?access_token=), or log in at /login in a browser.",
            statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
    }
}
