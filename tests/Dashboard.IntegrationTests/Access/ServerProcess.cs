using System.Diagnostics;
using System.Reflection;

namespace Dashboard.IntegrationTests.Access;

/// <summary>
/// The server as a user starts it: <c>dotnet Dashboard.Server.dll</c> in a process of its own, with its own database,
/// its standard output and error kept line by line. For what only a real process shows: what it prints on the console,
/// and how it exits.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _dataDir;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Lock _lock = new();

    private ServerProcess(Process process, DirectoryInfo dataDir)
    {
        _process = process;
        _dataDir = dataDir;
    }

    public static string Dll { get; } = typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServerDll").Value!;

    /// <summary>Starts the server with <paramref name="args"/> (e.g. <c>--urls</c>) in <paramref name="environment"/>.</summary>
    public static ServerProcess Start(string environment, params string[] args)
    {
        Assert.True(File.Exists(Dll), $"the server is not built at {Dll}");
        var dataDir = Directory.CreateTempSubdirectory("dt-server-process-");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Dll)!,
        };
        psi.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        // Only what the test says: nothing of the test runner's own settings.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("Dashboard__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(key);
        }

        psi.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        psi.Environment["Dashboard__DatabasePath"] = Path.Combine(dataDir.FullName, "dashboard.db");

        var server = new ServerProcess(Process.Start(psi)!, dataDir);
        server._process.OutputDataReceived += (_, e) => server.Add(server._stdout, e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Add(server._stderr, e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    public IReadOnlyList<string> StdOut
    {
        get
        {
            lock (_lock)
            {
                return [.. _stdout];
            }
        }
    }

    public IReadOnlyList<string> StdErr
    {
        get
        {
            lock (_lock)
            {
                return [.. _stderr];
            }
        }
    }

    /// <summary>The first line of standard output that <paramref name="match"/> accepts; fails with all output when none comes in time.</summary>
    public async Task<string> WaitForStdOutAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (StdOut.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"no such line on standard output ({(_process.HasExited ? $"exited with {_process.ExitCode}" : $"still running after {timeout}")}).\n{Output()}");
            }

            await Task.Delay(50, ct);
        }
    }

    /// <summary>The exit code; fails (and kills the process) when it does not exit in time.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Assert.Fail($"still running after {timeout}.\n{Output()}");
        }

        // WaitForExitAsync also waits for the redirected streams to end, so every line is in by now.
        return _process.ExitCode;
    }

    public string Output() => $"stdout:\n{string.Join('\n', StdOut)}\nstderr:\n{string.Join('\n', StdErr)}";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The tree: in Development the server may have started the WebAssembly debug proxy.
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _dataDir.Delete(recursive: true);
    }

    private void Add(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (_lock)
            {
                lines.Add(line);
            }
        }
    }
}
