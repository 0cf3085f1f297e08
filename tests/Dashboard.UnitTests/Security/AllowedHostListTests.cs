using Dashboard.Server.Configuration;
using Dashboard.Server.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.UnitTests.Security;

public sealed class AllowedHostListTests
{
    private static AllowedHostList Hosts(string? setting, params string[] listening)
    {
        var server = new FakeServer();
        var addresses = new ServerAddressesFeature();
        foreach (var address in listening)
        {
            addresses.Addresses.Add(address);
        }

        server.Features.Set<IServerAddressesFeature>(addresses);
        return new AllowedHostList(Options.Create(new DashboardOptions { AllowedHosts = setting }), server, new StartedLifetime());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("[::1]")]
    [InlineData("[2001:db8::5]")]
    [InlineData("localhost")]
    [InlineData("LocalHost")]
    [InlineData("localhost.")]
    [InlineData("")]
    public void AddressesAndLocalhostAreAlwaysAllowed(string host) => Assert.True(Hosts(null).Allows(host));

    [Theory]
    [InlineData("evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("127.0.0.1.nip.io")]
    [InlineData("dashboard")]
    public void NamesAreNotUnlessListed(string host) => Assert.False(Hosts(null).Allows(host));

    [Fact]
    public void ConfiguredNamesAndWildcards()
    {
        var hosts = Hosts("dash.example.com; *.lan");
        Assert.True(hosts.Allows("dash.example.com"));
        Assert.True(hosts.Allows("DASH.example.com."));
        Assert.True(hosts.Allows("box.lan"));
        Assert.True(hosts.Allows("a.b.lan"));
        Assert.False(hosts.Allows("lan"));
        Assert.False(hosts.Allows("evillan"));
        Assert.False(hosts.Allows("dash.example.com.evil.example"));
        Assert.True(Hosts("*").Allows("anything.example"));
    }

    [Fact]
    public void NamesTheServerListensOnAreAllowed()
    {
        var hosts = Hosts(null, "http://dash.lan:5080", "http://0.0.0.0:5081");
        Assert.True(hosts.Allows("dash.lan"));
        Assert.False(hosts.Allows("other.lan"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "127.0.0.1:5080", true)]
    [InlineData("http://127.0.0.1:5081", "127.0.0.1:5080", false)]
    [InlineData("http://localhost:5080", "127.0.0.1:5080", false)]
    [InlineData("http://[::1]:5080", "[::1]:5080", true)]
    [InlineData("http://dash.example.com", "dash.example.com", true)]
    [InlineData("https://dash.example.com", "dash.example.com", true)] // a TLS proxy in front
    [InlineData("http://dash.example.com:8000", "dash.example.com", false)]
    [InlineData("http://proxy.example.com", "127.0.0.1:5080", true)] // listed in AllowedHosts
    [InlineData("null", "127.0.0.1:5080", false)] // a sandboxed frame, a file: page (and no Sec-Fetch-Site: same-origin)
    [InlineData("file://", "127.0.0.1:5080", false)]
    [InlineData("http://127.0.0.1:5080/path", "127.0.0.1:5080", false)]
    [InlineData("ws://127.0.0.1:5080", "127.0.0.1:5080", false)]
    public void OriginsAreSameOriginOrListed(string origin, string host, bool allowed)
    {
        var request = new DefaultHttpContext().Request;
        request.Host = new HostString(host);
        Assert.Equal(allowed, RequestChecks.IsAllowedOrigin(origin, request, Hosts("proxy.example.com")));
    }

    [Theory]
    [InlineData("same-origin", true)]
    [InlineData("same-site", false)]
    [InlineData("cross-site", false)]
    [InlineData(null, false)]
    public void NullOriginIsOursOnlyWhenTheBrowserSaysSameOrigin(string? fetchSite, bool allowed)
    {
        // Referrer-Policy: no-referrer makes a browser send Origin: null for our own form posts and POST fetches.
        var request = new DefaultHttpContext().Request;
        request.Host = new HostString("127.0.0.1:5080");
        if (fetchSite is not null)
        {
            request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        Assert.Equal(allowed, RequestChecks.IsAllowedOrigin("null", request, Hosts(null)));
    }

    [Theory]
    [InlineData("/api/status", "cross-site", "no-cors", true)]
    [InlineData("/hubs/dashboard", "same-site", "cors", true)]
    [InlineData("/api/status", "cross-site", "navigate", false)]
    [InlineData("/api/status", "same-origin", "cors", false)]
    [InlineData("/api/status", "none", "navigate", false)]
    [InlineData("/containers", "cross-site", "no-cors", false)]
    public void OtherSitesMayNotEmbedTheApi(string path, string site, string mode, bool refused)
    {
        var request = new DefaultHttpContext().Request;
        request.Path = path;
        request.Headers["Sec-Fetch-Site"] = site;
        request.Headers["Sec-Fetch-Mode"] = mode;
        Assert.Equal(refused, RequestChecks.IsOtherSitesSubresource(request));
    }

    private sealed class FakeServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    private sealed class ServerAddressesFeature : IServerAddressesFeature
    {
        public ICollection<string> Addresses { get; } = [];

        public bool PreferHostingUrls { get; set; }
    }

    private sealed class StartedLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted { get; } = new(canceled: true);

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
