using Dashboard.Client.Live;
using Dashboard.Client.Services;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.Extensions.Logging;
using MudBlazor;
using MudBlazor.Services;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
var baseAddress = new Uri(builder.HostEnvironment.BaseAddress);
// Messages at the bottom: at the top right they would cover the app bar's status and the pages' own buttons.
builder.Services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight);
builder.Services.AddScoped(_ => new HttpClient(new AntiforgeryHandler(baseAddress)) { BaseAddress = baseAddress });
builder.Services.AddScoped<ApiDashboardData>();
builder.Services.AddScoped<ISnapshots, SnapshotsClient>();
builder.Services.AddSingleton(TimeProvider.System);
// One hub connection for the app: scoped is per app in the browser, and the scope disposes it.
builder.Services.AddScoped(sp => new LiveDashboard(
    new Uri(baseAddress, DashboardHubContract.Path.TrimStart('/')), sp.GetRequiredService<ILogger<LiveDashboard>>()));
// What the server answered while it prerendered the page: the app's first render shows the same rows.
builder.Services.AddScoped(sp => PrerenderedAnswers.From(sp.GetRequiredService<PersistentComponentState>()));
builder.Services.AddScoped<IDashboardData, LiveDashboardData>();

await builder.Build().RunAsync();
