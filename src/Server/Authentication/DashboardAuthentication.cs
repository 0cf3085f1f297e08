using Dashboard.Server.Configuration;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;

namespace Dashboard.Server.Authentication;

/// <summary>
/// Who may read the dashboard. Browsers log in once with the token and then carry an HttpOnly cookie; scripts send the
/// token as a bearer token. Every endpoint requires one or the other unless it allows anonymous access (login, logout,
/// health) or the server runs open (<c>Dashboard:OpenOnLoopback</c>, loopback only).
/// </summary>
internal static class DashboardAuthentication
{
    public const string Scheme = "Dashboard";
    public const string CookieScheme = "DashboardCookie";
    public const string TokenScheme = "DashboardToken";
    public const string AntiforgeryHeader = "X-XSRF-TOKEN";

    public static IServiceCollection AddDashboardAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<DashboardAccess>();
        services.AddSingleton<FailedCredentials>();

        // Keys live in memory only: nothing secret is written to disk, and a restart (which may generate a new token)
        // signs every browser out.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, displayName: null, o =>
                o.ForwardDefaultSelector = context => AccessTokenHandler.ReadToken(context.Request) is null ? CookieScheme : TokenScheme)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "dashboard.auth";
                o.Cookie.HttpOnly = true;
                // Lax, not Strict: a login URL opened from another site (a chat, a mail) must log in and land on the
                // dashboard. Cross-site requests that change anything are refused by the origin check and antiforgery.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnRedirectToLogin = RedirectToLoginOrRefuse;
                o.Events.OnRedirectToAccessDenied = context =>
                    TypedResults.Problem(title: "Forbidden", detail: "This request is not allowed.", statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context.HttpContext);
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, AccessTokenHandler>(TokenScheme, displayName: null, _ => { });

        services.AddSingleton<IAuthorizationHandler, DashboardAccessHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().AddRequirements(new DashboardAccessRequirement()).Build());

        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeader;
            o.Cookie.Name = "dashboard.antiforgery";
            // The security headers say DENY already; antiforgery's own SAMEORIGIN would weaken it.
            o.SuppressXFrameOptionsHeader = true;
        });

        return services;
    }

    /// <summary>
    /// Decides open or token once the server has bound its addresses (see <see cref="DashboardAccess"/>), and stops it
    /// when the decision is a refusal; <see cref="StartRefusal"/> then tells the caller why.
    /// </summary>
    public static void DecideAccessAtStart(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<DashboardAccess>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            access.Decide(ListenAddresses.Of(app.Services.GetRequiredService<IServer>()));
            if (access.Refusal is not null)
            {
                app.Lifetime.StopApplication();
            }
        });
    }

    /// <summary>
    /// Asks, after the server has stopped, why it stopped right after it started (see <see cref="DecideAccessAtStart"/>);
    /// null when it did not. Taken before the start, because the services are gone once it has stopped.
    /// </summary>
    public static Func<string?> StartRefusal(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<DashboardAccess>();
        return () => access.Refusal;
    }

    /// <summary>
    /// Marks an endpoint that changes the dashboard's data: with the cookie, a request to it must carry the antiforgery
    /// token in <see cref="AntiforgeryHeader"/>; a bearer token cannot be sent by another site, so it needs none.
    /// On the endpoint itself, not a path prefix, so that no spelling of its path gets around the check.
    /// </summary>
    public static TBuilder RequireCookieAntiforgery<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CookieAntiforgeryMetadata.Instance);

    /// <summary>
    /// Checks the endpoints marked with <see cref="RequireCookieAntiforgery"/>. The hub is not marked: it is read-only,
    /// and the origin check keeps other sites off it.
    /// </summary>
    public static IApplicationBuilder UseCookieAntiforgery(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<CookieAntiforgeryMetadata>() is not null
            && context.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme })
        {
            if (!await IsAntiforgeryValidAsync(context))
            {
                await TypedResults.Problem(
                    title: "Antiforgery token missing or invalid",
                    detail: $"Requests that change data with the login cookie must send the token of GET /api/antiforgery in the {AntiforgeryHeader} header. Scripts can send 'Authorization: Bearer <token>' instead.",
                    statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
                return;
            }
        }

        await next(context);
    });

    /// <summary>Whether the request carries a valid antiforgery token; a form body that does not parse carries none.</summary>
    public static async Task<bool> IsAntiforgeryValidAsync(HttpContext context)
    {
        try
        {
            return await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);
        }
        catch (Exception e) when (IsBrokenForm(e))
        {
            return false;
        }
    }

    /// <summary>
    /// A form body that does not parse (bad encoding, a multipart body cut short). Not Kestrel's own refusals
    /// (<see cref="BadHttpRequestException"/>, also an IOException), which keep their status (413…).
    /// </summary>
    public static bool IsBrokenForm(Exception e) => e is InvalidDataException || (e is IOException && e is not BadHttpRequestException);

    /// <summary>Pages go to the login page and come back; the API and the hub get a 401 problem, never a redirect.</summary>
    private static Task RedirectToLoginOrRefuse(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
    {
        var request = context.Request;
        if (AccessProblems.IsApi(request) || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            return AccessProblems.UnauthorizedAsync(context.HttpContext, tokenGiven: false);
        }

        // Relative, so that it stays right behind a proxy that rewrites the host.
        var back = request.PathBase + request.Path + request.QueryString;
        context.Response.Redirect(request.PathBase + "/login" + QueryString.Create("returnUrl", back.ToString()));
        return Task.CompletedTask;
    }

    /// <summary>The marker <see cref="RequireCookieAntiforgery"/> puts on an endpoint.</summary>
    internal sealed class CookieAntiforgeryMetadata
    {
        public static readonly CookieAntiforgeryMetadata Instance = new();
    }

    private sealed class DashboardAccessRequirement : IAuthorizationRequirement;

    private sealed class DashboardAccessHandler(DashboardAccess access) : AuthorizationHandler<DashboardAccessRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, DashboardAccessRequirement requirement)
        {
            if (access.IsOpen || context.User.Identity?.IsAuthenticated == true)
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
