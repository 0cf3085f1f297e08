using Dashboard.Server.Api;
using Dashboard.Server.Authentication;
using Dashboard.Server.Collection.Docker;
using Dashboard.Server.Collection.Net;
using Dashboard.Server.Collection.Proc;
using Dashboard.Server.Components;
using Dashboard.Server.Configuration;
using Dashboard.Shared.Contracts;
using Dashboard.Server.Live;
using Dashboard.Server.Security;
using Dashboard.Server.State;
using Dashboard.Server.Storage;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dashboard.Server;

/// <summary>All of the server's wiring, so that Program.cs stays a few lines.</summary>
public static class DashboardHostExtensions
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        // A plain `dotnet run` listens on loopback only; --urls or ASPNETCORE_URLS override it.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5080");
        }

        builder.WebHost.ConfigureKestrelLimits();

        builder.Services.AddOptions<DashboardOptions>()
            .Bind(builder.Configuration.GetSection(DashboardOptions.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();

        builder.Services.AddSingleton<DockerCollector>();
        builder.Services.AddSingleton<DockerTracker>();
        builder.Services.AddSingleton<IProcSource, ProcSource>();
        builder.Services.AddSingleton<INetworkSource, NetworkCollector>();
        builder.Services.AddSingleton<TopologyIdentity>();
        builder.Services.AddSingleton<LivePublisher>();
        builder.Services.AddSingleton<IEventSourceFactory, KernelEventSourceFactory>();
        builder.Services.AddSingleton<EventSources>();
        builder.Services.AddSingleton<LiveStateService>();
        builder.Services.AddSingleton<IHostStateProvider>(sp => sp.GetRequiredService<LiveStateService>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveStateService>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SqliteSnapshotStore>();
        builder.Services.AddSingleton<ISnapshotStore>(sp => sp.GetRequiredService<SqliteSnapshotStore>());
        builder.Services.AddSingleton<SnapshotService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SnapshotService>());
        builder.Services.AddSignalR()
            .AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = DashboardJson.Options.PropertyNamingPolicy);

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = DashboardJson.Options.PropertyNamingPolicy;
        });
        // A request refused as malformed says why (e.g. "?fresh=maybe"), not only that it was.
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            if (c.Exception is BadHttpRequestException bad && bad.StatusCode < 500)
            {
                c.ProblemDetails.Detail ??= bad.Message;
            }
        });
        // A request Kestrel refuses while the app reads it (a body over the limit, a client too slow) is the client's
        // fault: its own status (413, 408…), not a 500.
        builder.Services.Configure<ExceptionHandlerOptions>(o =>
            o.StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        builder.Services.AddOpenApi(o => o.AddOperationTransformer(CurrentState.DescribeFresh));
        builder.Services.AddDashboardAuthentication();
        builder.Services.AddSingleton<AllowedHostList>();
        builder.Services.AddDashboardRateLimiter();
        builder.Services.AddHealthChecks();

        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents()
            .AddInteractiveWebAssemblyComponents();
        builder.Services.AddPrerendering();
        // The prerendered pages and the API's lists are repetitive text: at 300 containers the Containers page is
        // about 2 MB of HTML. The static files come precompressed and are left alone. Not over HTTPS (the default),
        // where a compressed page could leak what it holds beside what a request reflects.
        builder.Services.AddResponseCompression(o =>
        {
            o.MimeTypes = ["text/html", "application/json", "application/problem+json"];
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProvider>();
            o.Providers.Add<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProvider>();
        });

        return builder;
    }

    public static WebApplication UseDashboard(this WebApplication app)
    {
        // Live clients hear at once that the server is going, not once it has finished stopping.
        app.Lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<LivePublisher>().Stop());
        app.UseTrustedProxyHeaders();
        app.DecideAccessAtStart();
        app.UseResponseCompression();
        app.UseExceptionHandler();
        app.UseSecurityHeaders();
        app.UseHostAndOriginChecks();
        app.UseReadOnlyUnlessDeclared();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.UseFailedCredentialsLimit();
        app.UseAuthentication();
        app.UseAuthorization();
        if (app.Environment.IsDevelopment())
        {
            // After the Host/Origin checks and the token: the debug proxy it starts can drive the browser's dev tools.
            app.UseWebAssemblyDebugging();
        }

        app.UseAntiforgery();
        app.UseCookieAntiforgery();

        app.MapHealthChecks("/healthz").AllowAnonymous()
            .Add(endpoint => endpoint.Metadata.Add(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head])));
        app.MapLoginApi();
        app.MapAntiforgeryApi();
        app.MapOpenApi();
        app.MapStatusApi();
        app.MapContainersApi();
        app.MapNamespacesApi();
        app.MapProcessesApi();
        app.MapNetworksApi();
        app.MapNetnsApi();
        app.MapTopologyApi();
        app.MapSnapshotsApi();
        app.MapHub<DashboardHub>(DashboardHubContract.Path);
        app.MapStaticAssets().Add(endpoint =>
        {
            // The login page shows the icon before anyone has logged in; every other file needs the token.
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route } && route.TrimStart('/') == "favicon.svg")
            {
                endpoint.Metadata.Add(new AllowAnonymousAttribute());
            }
        });
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(Dashboard.Client._Imports).Assembly)
            // The pages take no forms; without this they would take POSTs too (for server-side forms), and the
            // WebAssembly resource list any method.
            .Finally(endpoint =>
            {
                // The circuits' hub (for the pages interactive on the server) keeps the methods SignalR gives it.
                if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route }
                    && route.TrimStart('/').StartsWith(PrerenderServices.CircuitPath.TrimStart('/'), StringComparison.Ordinal))
                {
                    return;
                }

                endpoint.Metadata.Add(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
            });

        return app;
    }
}
