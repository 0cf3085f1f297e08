using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Dashboard.Testing;

/// <summary>
/// A network namespace of the test's own in which Chromium runs and the test server listens. Chromium aborts every
/// request in flight (ERR_NETWORK_CHANGED) when it sees interfaces come and go, and the tests beside it create
/// Docker networks and veth pairs all the time; in a namespace with only its own loopback it sees none of that.
/// </summary>
public sealed partial class BrowserNetworkNamespace : IAsyncDisposable
{
    private const int CloneNewNet = 0x40000000;

    private BrowserNetworkNamespace(string name, string launcher)
    {
        Name = name;
        ChromiumLauncher = launcher;
    }

    public string Name { get; }

    /// <summary>A script that starts /usr/bin/chromium inside the namespace, for Playwright's ExecutablePath.</summary>
    public string ChromiumLauncher { get; }

    public static async Task<BrowserNetworkNamespace> CreateAsync()
    {
        var name = $"dt-{Guid.NewGuid().ToString("N")[..6]}-browser";
        await Shell.RunAsync("ip", "netns", "add", name);
        await Shell.RunAsync("ip", "-n", name, "link", "set", "lo", "up");
        var launcher = Path.Combine(Path.GetTempPath(), $"{name}-chromium.sh");
        await File.WriteAllTextAsync(launcher, $"#!/bin/sh\nexec ip netns exec {name} /usr/bin/chromium \"$@\"\n");
        await Shell.RunAsync("chmod", "700", launcher);
        return new BrowserNetworkNamespace(name, launcher);
    }

    /// <summary>
    /// A TCP socket listening on 127.0.0.1 inside the namespace. A socket belongs to the namespace it was created
    /// in, so one thread steps in, creates it, and steps back; the socket can then be served from anywhere.
    /// </summary>
    public Socket Listen()
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle($"/run/netns/{Name}");
                Check(SetNs(target.DangerousGetHandle().ToInt32(), CloneNewNet), "setns into " + Name);
                try
                {
                    socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                    socket.Listen(512);
                }
                finally
                {
                    Check(SetNs(home.DangerousGetHandle().ToInt32(), CloneNewNet), "setns back");
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("could not listen inside " + Name, failure);
        }

        return socket!;
    }

    public async ValueTask DisposeAsync()
    {
        File.Delete(ChromiumLauncher);
        await Shell.RunAsync("ip", ["netns", "delete", Name], check: false);
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new IOException($"{what} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);
}
