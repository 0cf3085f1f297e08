using Dashboard.Server;

var builder = WebApplication.CreateBuilder(args);
builder.AddDashboard();

var app = builder.Build();
app.UseDashboard();
app.Run();

/// <summary>Entry point; public so that test hosts can find it.</summary>
public partial class Program;
