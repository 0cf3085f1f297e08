using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Dashboard.Server.Collection.Proc;

namespace Dashboard.Server.Collection.Net;

/// <summary>
/// The one OS thread that enters network namespaces. setns changes only the calling thread, and a pool thread left in
/// a foreign namespace would silently run unrelated work there, so the switch happens on a thread of our own that runs
/// nothing else: save its namespace, enter the target, create the sockets, return, before the next request. If it
/// ever cannot return, it retires (ending while still switched) and the next request starts a new one.
/// A thread per request would do too, but starting one costs about as much as the three dumps.
/// </summary>
internal static class NetnsSwitchThread
{
    private const string OwnThreadNetns = "/proc/thread-self/ns/net";

    private static readonly Lock s_lock = new();
    private static Worker? s_worker;

    /// <summary>
    /// A NETLINK_ROUTE socket created inside the namespace at <paramref name="namespacePath"/>, or -1 with the reason.
    /// Throws when the thread could not return to its own namespace (it is then retired, not reused).
    /// </summary>
    public static int OpenSocketIn(string namespacePath, out string? error) =>
        OpenSocketsIn(namespacePath, [NetlinkInterop.NetlinkRoute], out error)[0];

    /// <summary>
    /// One netlink socket per protocol, all created inside the namespace in one visit. The first must open, or every
    /// entry is -1 with the reason; a later one that cannot (a kernel without the module) is -1 alone.
    /// Throws when the thread could not return to its own namespace (it is then retired, not reused).
    /// </summary>
    public static int[] OpenSocketsIn(string namespacePath, int[] protocols, out string? error)
    {
        using var request = new Request(namespacePath, protocols);
        while (!CurrentWorker().TrySubmit(request))
        {
            // The worker retired between our lookup and the submit; the next lookup makes a fresh one.
        }

        request.Done.Wait();
        if (request.Failure is not null)
        {
            throw new InvalidOperationException($"could not return the namespace thread from {namespacePath} to its own network namespace", request.Failure);
        }

        error = request.Error;
        return request.Sockets;
    }

    private static Worker CurrentWorker()
    {
        lock (s_lock)
        {
            if (s_worker is null || s_worker.Retired)
            {
                s_worker = new Worker();
            }

            return s_worker;
        }
    }

    private sealed class Request(string path, int[] protocols) : IDisposable
    {
        public string Path { get; } = path;
        public int[] Protocols { get; } = protocols;
        public ManualResetEventSlim Done { get; } = new();
        public int[] Sockets { get; set; } = [.. protocols.Select(_ => -1)];
        public string? Error { get; set; }
        public Exception? Failure { get; set; }

        public void Dispose() => Done.Dispose();
    }

    private sealed class Worker
    {
        private readonly BlockingCollection<Request> _queue = [];

        public Worker()
        {
            var thread = new Thread(Run, maxStackSize: 256 * 1024) { IsBackground = true, Name = "netns-switch" };
            thread.Start();
        }

        public bool Retired => _queue.IsAddingCompleted;

        public bool TrySubmit(Request request)
        {
            try
            {
                _queue.Add(request);
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private void Run()
        {
            foreach (var request in _queue.GetConsumingEnumerable())
            {
                try
                {
                    request.Sockets = SwitchOpenAndReturn(request.Path, request.Protocols, out var error);
                    request.Error = error;
                    request.Done.Set();
                }
                catch (Exception e)
                {
                    // Only a failed return throws by design; anything else leaves us unsure where the thread is, so
                    // retire it the same way. Requests already queued fail too: none may run in a foreign namespace.
                    _queue.CompleteAdding();
                    request.Failure = e;
                    request.Done.Set();
                    while (_queue.TryTake(out var pending))
                    {
                        pending.Failure = e;
                        pending.Done.Set();
                    }

                    return;
                }
            }
        }
    }

    private static int[] SwitchOpenAndReturn(string namespacePath, int[] protocols, out string? error)
    {
        var sockets = protocols.Select(_ => -1).ToArray();
        var home = NsIoctl.Open(OwnThreadNetns, out var errno);
        if (home < 0)
        {
            error = $"open {OwnThreadNetns}: {Marshal.GetPInvokeErrorMessage(errno)}";
            return sockets;
        }

        try
        {
            var target = NsIoctl.Open(namespacePath, out errno);
            if (target < 0)
            {
                // ENOENT/ESRCH: the process or mount went away since it was listed.
                error = $"open {namespacePath}: {Marshal.GetPInvokeErrorMessage(errno)}";
                return sockets;
            }

            try
            {
                if (NetlinkInterop.SetNetns(target) is var setnsErrno and not 0)
                {
                    // Not switched, nothing to restore. EINVAL: the path is a namespace of another type.
                    error = $"setns {namespacePath}: {Marshal.GetPInvokeErrorMessage(setnsErrno)}";
                    return sockets;
                }

                try
                {
                    error = null;
                    for (var i = 0; i < protocols.Length; i++)
                    {
                        sockets[i] = NetlinkInterop.OpenNetlinkSocket(protocols[i], out errno);
                        if (sockets[0] < 0)
                        {
                            error = $"socket(AF_NETLINK, {protocols[0]}) in {namespacePath}: {Marshal.GetPInvokeErrorMessage(errno)}";
                            break;
                        }
                    }

                    return sockets;
                }
                finally
                {
                    if (NetlinkInterop.SetNetns(home) is var restoreErrno and not 0)
                    {
                        foreach (var socket in sockets)
                        {
                            NsIoctl.Close(socket);
                        }

                        throw new NetnsRestoreException(restoreErrno);
                    }
                }
            }
            finally
            {
                NsIoctl.Close(target);
            }
        }
        finally
        {
            NsIoctl.Close(home);
        }
    }

    private sealed class NetnsRestoreException(int errno)
        : Exception($"setns back to the thread's own network namespace failed: {Marshal.GetPInvokeErrorMessage(errno)}");
}
