using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Dashboard.Testing;

/// <summary>
/// A network namespace's SO_NETNS_COOKIE read the test's own way, to check the product's against: a thread of its own
/// steps into the namespace, creates a UDP socket there (the product uses netlink), asks it through .NET's
/// <see cref="Socket.GetRawSocketOption"/>, and steps back.
/// </summary>
public static partial class NetnsCookie
{
    private const int CloneNewNet = 0x40000000;
    private const int SolSocket = 1;
    private const int SoNetnsCookie = 71;

    public static ulong Read(string netnsPath)
    {
        ulong cookie = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                using var target = File.OpenHandle(netnsPath);
                Check(SetNs(target.DangerousGetHandle().ToInt32(), CloneNewNet), "setns into " + netnsPath);
                try
                {
                    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    var value = new byte[sizeof(ulong)];
                    var length = socket.GetRawSocketOption(SolSocket, SoNetnsCookie, value);
                    cookie = length == sizeof(ulong) ? BitConverter.ToUInt64(value) : throw new IOException($"SO_NETNS_COOKIE gave {length} bytes");
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
        return failure is null ? cookie : throw new InvalidOperationException("could not read the cookie of " + netnsPath, failure);
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
