using Dashboard.Server;
using Dashboard.Server.Authentication;
using Microsoft.Extensions.Options;

if (args is [HealthCheckCommand.Name, ..])
{
    return await HealthCheckCommand.RunAsync(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
}

var builder = WebApplication.CreateBuilder(args);
builder.AddDashboard();

try
{
    var app = builder.Build();
    app.UseDashboard();
    var refusal = app.StartRefusal();
    await app.RunAsync();
    if (refusal() is { } reason)
    {
        Console.Error.WriteLine($"The dashboard did not start: {reason}");
        return 1;
    }
}
catch (OptionsValidationException e) when (System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly)
{
    // The settings are checked once (every problem at once): say them plainly instead of an unhandled exception. A
    // test host that runs this entry point (WebApplicationFactory) gets the exception itself.
    Console.Error.WriteLine("The dashboard did not start: its settings have problems:");
    foreach (var failure in e.Failures)
    {
        Console.Error.WriteLine($"  - {failure}");
    }

    return 1;
}

return 0;

/// <summary>Entry point; public so that test hosts can find it.</summary>
public partial class Program;
