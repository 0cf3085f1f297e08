using System.Net;
using System.Net.Sockets;

namespace Dashboard.Testing;

/// <summary>The dashboard on a real socket, so that a real browser can load it.</summary>
public class KestrelDashboard : DashboardFactory
{
    private readonly Lazy<Uri> _address;

    /// <summary>Serves on <paramref name="socket"/>, a listening socket that may live in another network namespace.</summary>
    public KestrelDashboard(Socket socket)
    {
        UseKestrel(options => options.ListenHandle((ulong)socket.SafeHandle.DangerousGetHandle()));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        _address = new Lazy<Uri>(() =>
        {
            StartServer();
            return new Uri($"http://127.0.0.1:{port}/");
        });
    }

    /// <summary>Starts the server on first use.</summary>
    public Uri Address => _address.Value;
}
