using Dashboard.Client.Services;
using MudBlazor;
using MudBlazor.Services;

namespace Dashboard.Server.Components;

/// <summary>
/// What the client's pages need when they run on the server: MudBlazor's services; the live state as
/// <see cref="IDashboardData"/>, prerendered (<see cref="PrerenderDashboardData"/>, with the answers to hand to the
/// browser) or interactive in a circuit (<see cref="CircuitDashboardData"/>); the snapshot store as <see cref="ISnapshots"/>.
/// </summary>
internal static class PrerenderServices
{
    public static IServiceCollection AddPrerendering(this IServiceCollection services)
    {
        services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight);
        services.AddHttpContextAccessor();
        services.AddScoped(_ => PrerenderedAnswers.Empty());
        // One scope is either a prerendered page (an HTTP request for it) or a circuit (the pages interactive on the server).
        services.AddScoped<IDashboardData>(sp => IsPrerendering(sp)
            ? ActivatorUtilities.CreateInstance<PrerenderDashboardData>(sp)
            : ActivatorUtilities.CreateInstance<CircuitDashboardData>(sp));
        // The pages on the server read the store itself; the server never calls its own API.
        services.AddScoped<ISnapshots, ServerSnapshots>();
        return services;
    }

    /// <summary>
    /// True in the scope of a request for a page; false in a circuit's, whose requests (if the accessor has one at all:
    /// the WebSocket's, or a long poll's) are all under the circuit's own path.
    /// </summary>
    internal static bool IsPrerendering(IServiceProvider services) =>
        services.GetRequiredService<IHttpContextAccessor>().HttpContext is { } http && !http.Request.Path.StartsWithSegments(CircuitPath);

    /// <summary>Where Blazor maps the circuits' hub.</summary>
    internal const string CircuitPath = "/_blazor";
}
