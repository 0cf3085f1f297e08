using System.Diagnostics;
using Dashboard.Server.Collection.Proc;

namespace Dashboard.IntegrationTests.Proc;

/// <summary>
/// The /proc tests make and remove processes and namespaces and assert on the whole host, so they run one at a time:
/// one test's namespace vanishing halfway through another's scan is not what either checks.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcCollection
{
    public const string Name = "proc";
}

/// <summary>Small helpers for tests that set up processes and namespaces and read the kernel's answer directly.</summary>
internal static class ProcTestKit
{
    public static readonly TimeSpan SetupDeadline = TimeSpan.FromSeconds(10);

    public static ulong ReadLinkInode(string path) =>
        TryReadLinkInode(path) ?? throw new InvalidOperationException($"{path} is not a namespace link");

    public static ulong? TryReadLinkInode(string path)
    {
        try
        {
            var target = new FileInfo(path).LinkTarget;
            return target is not null && ProcParsers.TryParseNamespaceLink(target, out var key) ? key.Inode : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static string? TryReadComm(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static ulong StatInode(string path) => ulong.Parse(Run("stat", "-L", "-c", "%i", path).Trim());

    /// <summary>Whether any path the scan opened the namespace by still leads to a namespace with its inode.</summary>
    public static bool StillOpenable(NamespaceRecord ns) =>
        ns.OpenPaths.Append(ns.BindMounts.FirstOrDefault() ?? "").Where(p => p.Length > 0).Any(path =>
        {
            var inode = path.Contains("/ns/", StringComparison.Ordinal) ? TryReadLinkInode(path) : TryStatInode(path);
            return inode == ns.Inode;
        });

    private static ulong? TryStatInode(string path)
    {
        var status = new ProcessStartInfo("stat", ["-L", "-c", "%i", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(status)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 && ulong.TryParse(output.Trim(), out var inode) ? inode : null;
    }

    /// <summary>Polls until the condition holds (IOException counts as not yet); fails the test after the setup deadline.</summary>
    public static void WaitUntil(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (IOException)
            {
                // The child is still being set up.
            }

            if (deadline.Elapsed > SetupDeadline)
            {
                Assert.Fail("the child process did not set up its namespaces in time");
            }

            Thread.Yield();
        }
    }

    /// <summary>Starts a child whose stdin the test writes to and whose stdout it reads. Kill it with <c>Kill(true)</c>.</summary>
    public static Process Spawn(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
    }

    public static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    public static string Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }

    /// <summary>Removes a network namespace made by a test, if it is still there.</summary>
    public static void DeleteNetns(string name)
    {
        if (File.Exists($"/run/netns/{name}"))
        {
            Run("ip", "netns", "delete", name);
        }
    }

    /// <summary>A netns name with the test prefix, short enough for every tool.</summary>
    public static string NewNetnsName() => $"dt-{Guid.NewGuid():N}"[..15];
}
