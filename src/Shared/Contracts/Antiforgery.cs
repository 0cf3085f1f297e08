namespace Dashboard.Shared.Contracts;

/// <summary>
/// Answer of <c>GET /api/antiforgery</c>: what a browser logged in with the cookie sends with every request that changes
/// data (<c>POST /api/snapshots</c>, <c>DELETE /api/snapshots/{id}</c>). Requests with a bearer token need none.
/// </summary>
public sealed record AntiforgeryToken
{
    /// <summary>The request header to send it in (<c>X-XSRF-TOKEN</c>).</summary>
    public required string HeaderName { get; init; }
    /// <summary>The value of that header; it pairs with the HttpOnly antiforgery cookie the same answer sets.</summary>
    public required string RequestToken { get; init; }
}
