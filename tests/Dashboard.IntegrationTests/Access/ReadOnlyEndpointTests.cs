using System.Reflection;
using Dashboard.Shared.Live;
using Dashboard.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Access;

/// <summary>
/// The dashboard only reads the host: every endpoint it maps answers GET or HEAD, except the few that change its own
/// data or session. A new endpoint that takes another method fails here until someone decides it may.
/// </summary>
public sealed class ReadOnlyEndpointTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    /// <summary>Route and method of every endpoint allowed to take more than GET/HEAD, with why.</summary>
    private static readonly Dictionary<(string Route, string Method), string> s_writers = new()
    {
        [("/api/snapshots/", "POST")] = "takes a snapshot: the dashboard's own data",
        [("/api/snapshots/{id}", "DELETE")] = "removes a snapshot: the dashboard's own data",
        [("/login", "POST")] = "the login form",
        [("/logout", "POST")] = "the logout form",
        [($"{DashboardHubContract.Path}/negotiate", "*")] = "SignalR's negotiation (the hub itself is checked below)",
        [(DashboardHubContract.Path, "*")] = "SignalR's transports (long polling posts and deletes; the hub itself is checked below)",
        [("/_blazor/negotiate", "*")] = "the circuits' negotiation (pages interactive on the server)",
        [("/_blazor", "*")] = "the circuits' transports; a circuit can do what its pages can (take and delete snapshots), behind the token and the Origin check",
    };

    [Fact]
    public async Task EveryEndpointOnlyReadsExceptTheSnapshotAndLoginOnes()
    {
        _ = factory.Server;
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 50, $"only {endpoints.Count} endpoints found");

        var found = new HashSet<(string, string)>();
        var offenders = new List<string>();
        var undeclared = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var route = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            var declared = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            foreach (var method in (declared ?? ["*"]).Where(m => m is not ("GET" or "HEAD")))
            {
                if (s_writers.ContainsKey((route, method)))
                {
                    found.Add((route, method));
                }
                else if (declared is null)
                {
                    undeclared.Add(route); // the server's guard answers these GET and HEAD only: tried below
                }
                else
                {
                    offenders.Add($"{method} {route} ({endpoint.DisplayName})");
                }
            }
        }

        Assert.True(offenders.Count == 0, "endpoints that take more than GET/HEAD:\n" + string.Join('\n', offenders));
        // The list above is not stale either.
        Assert.Equal(s_writers.Keys.OrderBy(k => k.ToString()), found.OrderBy(k => k.ToString()));

        var http = factory.CreateClient();
        foreach (var route in undeclared.Where(r => !r.Contains('{')).Distinct())
        {
            foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options })
            {
                using var response = await http.SendAsync(new HttpRequestMessage(method, route), TestContext.Current.CancellationToken);
                Assert.True(response.StatusCode == System.Net.HttpStatusCode.MethodNotAllowed, $"{method} {route} answered {(int)response.StatusCode}");
            }
        }
    }

    [Fact]
    public void EveryEndpointThatChangesDataRequiresTheCookieAntiforgeryToken()
    {
        _ = factory.Server;
        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var unmarked = new List<string>();
        var marked = 0;
        foreach (var endpoint in endpoints)
        {
            var route = "/" + endpoint.RoutePattern.RawText?.TrimStart('/');
            var writes = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Any(m => m is not ("GET" or "HEAD" or "OPTIONS")) ?? false;
            // The login and logout forms check their own token (to answer an expired form with the form); SignalR's
            // transports post and delete on a read-only hub that the origin check guards.
            var exempt = route is "/login" or "/logout" || route.StartsWith(DashboardHubContract.Path, StringComparison.Ordinal);
            var hasMarker = endpoint.Metadata.GetMetadata<Dashboard.Server.Authentication.DashboardAuthentication.CookieAntiforgeryMetadata>() is not null;
            if (writes && !exempt && !hasMarker)
            {
                unmarked.Add($"{route} ({endpoint.DisplayName})");
            }

            marked += hasMarker ? 1 : 0;
        }

        Assert.True(unmarked.Count == 0, "endpoints that change data without RequireCookieAntiforgery():\n" + string.Join('\n', unmarked));
        // POST and DELETE of snapshots.
        Assert.Equal(2, marked);
    }

    [Fact]
    public void TheHubOffersNothingButSubscribe()
    {
        var methods = typeof(Dashboard.Server.Live.DashboardHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => m.Name).ToList();
        Assert.Equal([nameof(IDashboardHub.Subscribe)], methods);
        Assert.Equal([nameof(IDashboardHub.Subscribe)], typeof(IDashboardHub).GetMethods().Select(m => m.Name));
    }
}
