using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Testing;

/// <summary>The dashboard on a real loopback port, so that a real browser can load it.</summary>
public sealed class KestrelDashboard : DashboardFactory
{
    private readonly Lazy<Uri> _address;

    public KestrelDashboard()
    {
        UseKestrel(0);
        _address = new Lazy<Uri>(() =>
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First().Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
        });
    }

    /// <summary>Starts the server on first use.</summary>
    public Uri Address => _address.Value;
}
