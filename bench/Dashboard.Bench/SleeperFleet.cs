using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Dashboard.Bench;

/// <summary>
/// Sleeping processes spread over unshared namespaces, to load the host the way a busy container host is loaded.
/// Every process carries <see cref="MarkerVariable"/> in its environment, which unshare, sh and sleep all pass on,
/// so that whatever a crashed run left behind can still be found and killed.
/// </summary>
internal sealed partial class SleeperFleet : IDisposable
{
    public const string MarkerVariable = "DASHBOARD_BENCH_SLEEPER";

    // An odd duration so that the sleepers are easy to tell apart in `ps` as well.
    private const string SleepArgument = "3601";
    private const int SigKill = 9;

    // Cycled over the groups: several namespace types, alone and combined, some inside a new user namespace, so that
    // the scan meets many namespaces of every type with differing owners and parents. --fork only where --pid needs it
    // (without it unshare execs the shell and adds no process of its own).
    private static readonly string[][] s_flagSets =
    [
        ["--pid", "--fork", "--mount-proc", "--net", "--uts", "--ipc"],
        ["--pid", "--fork", "--mount-proc"],
        ["--net"],
        ["--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "--net"],
        ["--uts", "--ipc"],
        ["--cgroup", "--pid", "--fork", "--mount-proc"],
        ["--user", "--map-root-user", "--net", "--uts"],
        ["--mount", "--net", "--ipc"],
        ["--time", "--pid", "--fork", "--mount-proc"],
        ["--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "--net", "--uts", "--ipc", "--cgroup"],
    ];

    private readonly List<int> _groupIds = [];

    private SleeperFleet(int sleepers)
    {
        Sleepers = sleepers;
    }

    /// <summary>How many sleep processes the fleet holds (unshare parents of the --pid groups come on top).</summary>
    public int Sleepers { get; }

    /// <summary>Starts <paramref name="groups"/> groups of <paramref name="perGroup"/> sleepers and waits until all are running.</summary>
    public static SleeperFleet Start(int groups, int perGroup, TimeSpan deadline)
    {
        var fleet = new SleeperFleet(groups * perGroup);
        try
        {
            for (var g = 0; g < groups; g++)
            {
                fleet._groupIds.Add(StartGroup(s_flagSets[g % s_flagSets.Length], perGroup));
            }

            fleet.WaitUntilRunning(deadline);
            return fleet;
        }
        catch
        {
            fleet.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        // The groups first (one signal per pid namespace takes its init and so all of it), then a sweep for anything
        // that escaped its group.
        foreach (var groupId in _groupIds)
        {
            _ = Kill(-groupId, SigKill);
        }

        _groupIds.Clear();
        KillLeftovers(TimeSpan.FromSeconds(30));
    }

    /// <summary>How many sleepers carrying the marker run now (another run's too): a check that the fleet lasted.</summary>
    public static int CountRunning() => FindMarked().Count(p => p.Name == "sleep");

    /// <summary>Kills every process carrying the marker, from this run or an earlier one, and waits until none is left.</summary>
    public static int KillLeftovers(TimeSpan deadline)
    {
        var killed = 0;
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var marked = FindMarked();
            if (marked.Count == 0)
            {
                return killed;
            }

            if (stopwatch.Elapsed > deadline)
            {
                throw new TimeoutException($"{marked.Count} marked sleeper processes survived SIGKILL, e.g. PID {marked[0].Pid}");
            }

            foreach (var (pid, _) in marked)
            {
                if (Kill(pid, SigKill) == 0)
                {
                    killed++;
                }
            }

            // Killed processes stay visible until their parent reaps them; give that a moment before looking again.
            Thread.Sleep(50);
        }
    }

    private static int StartGroup(string[] flags, int perGroup)
    {
        // The shell execs into the last sleeper, so a group is exactly perGroup sleep processes (plus unshare with --fork).
        var inner = $"i=1; while [ $i -lt {perGroup} ]; do sleep {SleepArgument} & i=$((i+1)); done; exec sleep {SleepArgument}";

        // setsid gives each group its own process group to kill; stdio goes to /dev/null so that no sleeper holds on
        // to BenchmarkDotNet's output pipe (the host would wait for its EOF for an hour).
        var start = new ProcessStartInfo("sh")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("setsid \"$@\" </dev/null >/dev/null 2>&1 & echo $!");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add("unshare");
        foreach (var flag in flags)
        {
            start.ArgumentList.Add(flag);
        }

        start.ArgumentList.Add("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(inner);
        start.Environment[MarkerVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        using var launcher = Process.Start(start) ?? throw new InvalidOperationException("could not start sh");
        var output = launcher.StandardOutput.ReadToEnd();
        launcher.WaitForExit();
        if (!int.TryParse(output.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw new InvalidOperationException($"launcher for unshare {string.Join(' ', flags)} printed '{output.Trim()}'");
        }

        return pid;
    }

    private void WaitUntilRunning(TimeSpan deadline)
    {
        var stopwatch = Stopwatch.StartNew();
        var running = 0;
        while (stopwatch.Elapsed < deadline)
        {
            running = FindMarked().Count(p => p.Name == "sleep");
            if (running >= Sleepers)
            {
                return;
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException($"only {running} of {Sleepers} sleepers running after {deadline.TotalSeconds:F0} s");
    }

    /// <summary>Processes whose environment holds the marker, with their comm name.</summary>
    private static List<(int Pid, string Name)> FindMarked()
    {
        var marker = Encoding.ASCII.GetBytes(MarkerVariable + "=");
        var found = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllBytes(Path.Join(dir, "environ"));
                if (!HasVariable(environ, marker))
                {
                    continue;
                }

                found.Add((pid, File.ReadAllText(Path.Join(dir, "comm")).TrimEnd('\n')));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile, or a zombie: nothing to kill.
            }
        }

        return found;
    }

    private static bool HasVariable(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> prefix)
    {
        foreach (var range in environ.Split((byte)0))
        {
            if (environ[range].StartsWith(prefix))
            {
                return true;
            }
        }

        return false;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
