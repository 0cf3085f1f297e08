using Dashboard.Client.Services;
using MudBlazor;
using MudBlazor.Services;

namespace Dashboard.Server.Components;

/// <summary>
/// What the client's pages need when the server prerenders them: MudBlazor's services, the live state as
/// <see cref="IDashboardData"/> (<see cref="PrerenderDashboardData"/>), and the answers to hand to the browser.
/// </summary>
internal static class PrerenderServices
{
    public static IServiceCollection AddPrerendering(this IServiceCollection services)
    {
        services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight);
        services.AddScoped(_ => PrerenderedAnswers.Empty());
        services.AddScoped<IDashboardData, PrerenderDashboardData>();
        // The snapshot pages load in the browser only (they check RendererInfo.IsInteractive); the server never calls
        // its own API, so their client refuses if anything tried.
        services.AddScoped(_ => new SnapshotsClient(new HttpClient(new NoSelfCalls()) { BaseAddress = new Uri("http://prerendering.invalid/") }));
        return services;
    }

    private sealed class NoSelfCalls : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"The server does not call its own API while prerendering ({request.RequestUri}).");
    }
}
