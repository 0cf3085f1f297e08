using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace Dashboard.Server.Authentication;

/// <summary>
/// GET/POST <c>/login</c> and <c>/logout</c>. A login URL with the token (<c>/login?t=…</c>, as printed at start) logs
/// in and redirects at once to a URL without it, so the token does not stay in the address bar or the history.
/// </summary>
internal static class LoginApi
{
    public static IEndpointRouteBuilder MapLoginApi(this IEndpointRouteBuilder app)
    {
        // The forms check their antiforgery token themselves, to answer an expired form with the form again, not a 400.
        var group = app.MapGroup("").AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        group.MapGet("/login", ShowLogin);
        group.MapPost("/login", LogIn);
        group.MapGet("/logout", ShowLogout);
        group.MapPost("/logout", LogOut);
        return app;
    }

    internal static async Task<IResult> ShowLogin(
        HttpContext context, DashboardAccess access, IAntiforgery antiforgery, FailedCredentials failures, string? t = null, string? returnUrl = null)
    {
        var target = LocalUrl(returnUrl);
        if (!access.RequiresToken || IsLoggedIn(context))
        {
            return Results.Redirect(target);
        }

        if (t is not null)
        {
            if (access.Matches(t))
            {
                await SignInAsync(context);
                return Results.Redirect(target);
            }

            failures.Charge(context);
            return LoginForm(context, antiforgery, target, "That token is not this dashboard's. Check the login URL in the server's log.", StatusCodes.Status401Unauthorized);
        }

        return LoginForm(context, antiforgery, target, error: null, StatusCodes.Status200OK);
    }

    internal static async Task<IResult> LogIn(HttpContext context, DashboardAccess access, IAntiforgery antiforgery, FailedCredentials failures)
    {
        IFormCollection form;
        try
        {
            form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        }
        catch (Exception e) when (DashboardAuthentication.IsBrokenForm(e))
        {
            return LoginForm(context, antiforgery, "/", "The form could not be read. Enter the token again.", StatusCodes.Status400BadRequest);
        }

        var target = LocalUrl(form["returnUrl"]);
        if (!access.RequiresToken)
        {
            return SeeOther(target);
        }

        if (!await DashboardAuthentication.IsAntiforgeryValidAsync(context))
        {
            return LoginForm(context, antiforgery, target, "The form had expired (or came from another page). Enter the token again.", StatusCodes.Status400BadRequest);
        }

        if (!access.Matches(form["token"].ToString()))
        {
            failures.Charge(context);
            return LoginForm(context, antiforgery, target, "That token is not this dashboard's.", StatusCodes.Status401Unauthorized);
        }

        await SignInAsync(context);
        return SeeOther(target);
    }

    internal static IResult ShowLogout(HttpContext context, DashboardAccess access, IAntiforgery antiforgery)
    {
        if (!IsLoggedIn(context))
        {
            return Results.Redirect(access.RequiresToken ? "/login" : "/");
        }

        return LogoutForm(context, antiforgery, error: null, StatusCodes.Status200OK);
    }

    internal static async Task<IResult> LogOut(HttpContext context, IAntiforgery antiforgery)
    {
        if (IsLoggedIn(context) && !await DashboardAuthentication.IsAntiforgeryValidAsync(context))
        {
            return LogoutForm(context, antiforgery, "The form had expired (or came from another page). Log out again.", StatusCodes.Status400BadRequest);
        }

        await context.SignOutAsync(DashboardAuthentication.CookieScheme);
        return SeeOther("/login");
    }

    /// <summary>
    /// Only a path on this server: an absolute URL, <c>//host</c> or <c>/\host</c> would turn the login page into an
    /// open redirect.
    /// </summary>
    internal static string LocalUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/' || url.Any(char.IsControl))
        {
            return "/";
        }

        return url.Length > 1 && (url[1] == '/' || url[1] == '\\') ? "/" : url;
    }

    private static bool IsLoggedIn(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, AuthenticationType: DashboardAuthentication.CookieScheme };

    private static Task SignInAsync(HttpContext context)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "browser")], DashboardAuthentication.CookieScheme);
        return context.SignInAsync(DashboardAuthentication.CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
    }

    private static IResult LoginForm(HttpContext context, IAntiforgery antiforgery, string returnUrl, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return Results.Content(LoginPage.Login(tokens.FormFieldName, tokens.RequestToken!, returnUrl, error), "text/html; charset=utf-8", statusCode: status);
    }

    private static IResult LogoutForm(HttpContext context, IAntiforgery antiforgery, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return Results.Content(LoginPage.Logout(tokens.FormFieldName, tokens.RequestToken!, error), "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>After a POST, 303 so the browser follows with a GET and a reload does not post the form again.</summary>
    private static IResult SeeOther(string url) => new SeeOtherResult(url);

    private sealed class SeeOtherResult(string url) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = url;
            return Task.CompletedTask;
        }
    }
}
