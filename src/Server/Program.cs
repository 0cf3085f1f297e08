using Dashboard.Server;
using Dashboard.Server.Authentication;

if (args is [HealthCheckCommand.Name, ..])
{
    return await HealthCheckCommand.RunAsync(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
}

var builder = WebApplication.CreateBuilder(args);
builder.AddDashboard();

var app = builder.Build();
app.UseDashboard();
var refusal = app.StartRefusal();
await app.RunAsync();
if (refusal() is { } reason)
{
    Console.Error.WriteLine($"The dashboard did not start: {reason}");
    return 1;
}

return 0;

/// <summary>Entry point; public so that test hosts can find it.</summary>
public partial class Program;
