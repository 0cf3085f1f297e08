using System.Diagnostics;

namespace Dashboard.Testing;

/// <summary>Runs the host tools a test compares against (docker, readlink, lsns, ip). Tests may; the product never does.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public string Out => StdOut.Trim();
    }

    public static async Task<Result> RunAsync(
        string file, IEnumerable<string> args, TimeSpan? timeout = null, bool check = true, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }

        var result = new Result(process.ExitCode, await stdout, await stderr);
        if (check && result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {result.ExitCode}: {result.StdErr.Trim()}");
        }

        return result;
    }

    public static Task<Result> RunAsync(string file, params string[] args) => RunAsync(file, (IEnumerable<string>)args);

    /// <summary>The inode in <c>readlink /proc/&lt;pid&gt;/ns/&lt;type&gt;</c>, read by the real readlink command.</summary>
    public static async Task<ulong> ReadlinkNsAsync(int pid, string type)
    {
        var text = (await RunAsync("readlink", $"/proc/{pid}/ns/{type}")).Out; // e.g. net:[4026531840]
        var open = text.IndexOf('[');
        return ulong.Parse(text[(open + 1)..^1]);
    }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Dashboard.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
