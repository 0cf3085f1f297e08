using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Dashboard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.IntegrationTests.Access;

/// <summary>
/// The in-process server with an access token configured. A request with an <c>X-Test-Client</c> header looks as if it
/// came from that address (e.g. another machine's, TEST-NET-1: nothing is sent there); the log is kept.
/// </summary>
public class AccessFactory : DashboardFactory
{
    public const string Token = "test-token-0123456789abcdef";
    public const string ClientHeader = "X-Test-Client";

    public AccessFactory() => Settings["Dashboard:AccessToken"] = Token;

    public ConcurrentQueue<string> Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(l => l.AddProvider(new CapturingLoggerProvider(Log)));
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new ClientAddressFilter()));
    }

    /// <summary>A client without cookies or redirects: each test sees every answer as it is.</summary>
    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    public HttpClient Bearer(string token = Token)
    {
        var http = Anonymous();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return http;
    }

    /// <summary>A browser-like client (cookies kept, redirects not followed) logged in through the login URL.</summary>
    public async Task<HttpClient> LoggedInAsync()
    {
        var http = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using var response = await http.GetAsync($"/login?t={Token}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return http;
    }

    private sealed class ClientAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextDelegate) =>
            {
                if (context.Request.Headers.TryGetValue(ClientHeader, out var address))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(address.ToString());
                }

                return nextDelegate(context);
            });
            next(app);
        };
    }
}

/// <summary>
/// The server on a real socket (Kestrel, its limits, real WebSockets), bound where the test says. Without a
/// <c>token</c> it runs with <c>Dashboard:OpenOnLoopback</c> (see <see cref="DashboardFactory"/>) unless the test sets it to false.
/// </summary>
public sealed class SocketAccessDashboard : IDisposable
{
    private readonly Socket _socket;

    public SocketAccessDashboard(IPAddress bindTo, string? token)
    {
        _socket = new Socket(bindTo.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.Bind(new IPEndPoint(bindTo, 0));
        _socket.Listen(512);
        Factory = new CapturingKestrelDashboard(_socket);
        if (token is not null)
        {
            Factory.Settings["Dashboard:AccessToken"] = token;
        }
    }

    public CapturingKestrelDashboard Factory { get; }

    /// <summary>Always on loopback: a socket bound to 0.0.0.0 answers there too, so nothing leaves the machine.</summary>
    public Uri Address => Factory.Address;

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public HttpClient Client(bool cookies = false) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies }) { BaseAddress = Address };

    public void Dispose()
    {
        Factory.Dispose();
        _socket.Dispose();
    }

    public sealed class CapturingKestrelDashboard(Socket socket) : KestrelDashboard(socket)
    {
        public ConcurrentQueue<string> Log { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(l => l.AddProvider(new CapturingLoggerProvider(Log)));
        }
    }
}

public sealed partial class CapturingLoggerProvider(ConcurrentQueue<string> log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, log);

    public void Dispose()
    {
    }

    /// <summary>The token of the first login URL in the log, e.g. <c>http://localhost:8080/login?t=…</c>.</summary>
    public static Match? LoginUrl(IEnumerable<string> log) =>
        log.Select(line => LoginUrlPattern().Match(line)).FirstOrDefault(m => m.Success);

    [GeneratedRegex(@"(http://[^\s/]+)/login\?t=([0-9a-f]+)")]
    private static partial Regex LoginUrlPattern();

    private sealed class Logger(string category, ConcurrentQueue<string> log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            }
        }
    }
}
