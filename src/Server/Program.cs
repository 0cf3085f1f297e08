using Dashboard.Server;

if (args is [HealthCheckCommand.Name, ..])
{
    return await HealthCheckCommand.RunAsync(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
}

var builder = WebApplication.CreateBuilder(args);
builder.AddDashboard();

var app = builder.Build();
app.UseDashboard();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so that test hosts can find it.</summary>
public partial class Program;
