using Dashboard.Client.Live;
using Dashboard.Client.Services;
using Dashboard.Shared.Live;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.Extensions.Logging;
using MudBlazor.Services;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
var baseAddress = new Uri(builder.HostEnvironment.BaseAddress);
builder.Services.AddMudServices();
builder.Services.AddScoped(_ => new HttpClient(new AntiforgeryHandler(baseAddress)) { BaseAddress = baseAddress });
builder.Services.AddScoped<ApiDashboardData>();
// One hub connection for the app: scoped is per app in the browser, and the scope disposes it.
builder.Services.AddScoped(sp => new LiveDashboard(
    new Uri(baseAddress, DashboardHubContract.Path.TrimStart('/')), sp.GetRequiredService<ILogger<LiveDashboard>>()));
builder.Services.AddScoped<IDashboardData, LiveDashboardData>();

await builder.Build().RunAsync();
