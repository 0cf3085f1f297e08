using System.Security.Claims;
using System.Text.Encodings.Web;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Dashboard.Server.Authentication;

/// <summary>
/// Scripts' way in: <c>Authorization: Bearer &lt;token&gt;</c>, and for the hub also <c>?access_token=</c>, because a
/// browser cannot set headers on a WebSocket. The query string is accepted nowhere else: URLs end up in logs and history.
/// </summary>
internal sealed class AccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory loggerFactory, UrlEncoder encoder, DashboardAccess access, FailedCredentials failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public static string? ReadToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (request.Path.StartsWithSegments(DashboardHubContract.Path) && request.Query.TryGetValue("access_token", out var query))
        {
            return query.ToString();
        }

        return null;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ReadToken(Request) is not { } token)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!access.Matches(token))
        {
            // An open server checks no token, so nothing is guessed there and nothing is counted.
            if (access.RequiresToken)
            {
                failures.Charge(Context);
            }

            return Task.FromResult(AuthenticateResult.Fail("The access token is not the dashboard's."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "token")], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AccessProblems.UnauthorizedAsync(Context, tokenGiven: ReadToken(Request) is not null);
}
