using System.Net;
using Dashboard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Api;

/// <summary>Makes every request look as if it came from another machine (TEST-NET-1 address, nothing is sent).</summary>
public class RemoteClientFactory : DashboardFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RemoteAddressFilter()));
    }

    private sealed class RemoteAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate nextDelegate) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.10");
                return nextDelegate(context);
            });
            next(app);
        };
    }
}

public sealed class AllowedRemoteClientFactory : RemoteClientFactory
{
    public AllowedRemoteClientFactory() => Settings["Dashboard:AllowUnauthenticatedRemote"] = "true";
}

/// <summary>Without an access token, clients that are not on this machine get nothing.</summary>
public sealed class RemoteClientTests(RemoteClientFactory remote, AllowedRemoteClientFactory allowed)
    : IClassFixture<RemoteClientFactory>, IClassFixture<AllowedRemoteClientFactory>
{
    [Theory]
    [InlineData("/api/status")]
    [InlineData("/api/namespaces")]
    [InlineData("/containers")]
    [InlineData("/openapi/v1.json")]
    public async Task RemoteClientsAreRefused(string url)
    {
        var problem = await remote.CreateClient().GetProblemAsync(url, HttpStatusCode.Forbidden);
        Assert.Contains("access token", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AllowUnauthenticatedRemoteLetsThemIn()
    {
        using var response = await allowed.CreateClient().GetAsync("/api/status", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
