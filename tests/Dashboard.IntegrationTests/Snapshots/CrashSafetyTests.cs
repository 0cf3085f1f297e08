using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dashboard.Shared.Contracts;

namespace Dashboard.IntegrationTests.Snapshots;

/// <summary>
/// A child process writes, deletes and expires snapshots in one file and is killed with SIGKILL at random moments,
/// twenty times over the same file. After each kill the file passes <c>PRAGMA integrity_check</c>, every snapshot the
/// child reported committed (and did not set out to delete) reads back with the content it wrote, and at most one
/// snapshot exists that the child did not report: the one it was writing.
/// </summary>
public sealed class CrashSafetyTests(HostStateFixture host) : IClassFixture<HostStateFixture>
{
    private const int Kills = 20;

    [Fact]
    public async Task TwentySigkillsLoseAtMostTheSnapshotBeingWritten()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempStore();
        temp.Store.Dispose();
        var statePath = Path.Combine(temp.Directory, "state.json");
        await File.WriteAllTextAsync(statePath, JsonSerializer.Serialize(host.State, DashboardJson.Options), ct);
        var committed = new Dictionary<long, string>();
        var mayBeGone = new HashSet<long>();
        var random = new Random(20261201);
        var commitsAtKill = new List<int>();

        for (var run = 0; run < Kills; run++)
        {
            // Killed a random moment after a random number of commits: while it writes, however slow the machine is today.
            var lines = await RunAndKillAsync(temp.FilePath, statePath, run, random.Next(1, 4), TimeSpan.FromMilliseconds(random.Next(0, 400)), ct);
            var commits = 0;
            foreach (var line in lines)
            {
                var parts = line.Split(' ');
                if (parts[0] == "committed")
                {
                    committed[long.Parse(parts[1])] = parts[2];
                    commits++;
                }
                else if (parts[0] == "may-delete")
                {
                    mayBeGone.UnionWith(parts.Skip(1).Select(long.Parse));
                }
            }

            commitsAtKill.Add(commits);
            Assert.Equal("ok", temp.IntegrityCheck());

            using var store = temp.Open();
            var stored = (await store.ListAsync(null, null, 500, 0, ct)).Items.Select(s => s.Id).ToHashSet();
            foreach (var (id, digest) in committed.Where(c => !mayBeGone.Contains(c.Key)))
            {
                Assert.Contains(id, stored);
                var detail = await store.GetAsync(id, ct);
                Assert.Equal(digest, Digest(detail!.State));
            }

            var unreported = stored.Where(id => !committed.ContainsKey(id)).ToList();
            Assert.True(unreported.Count <= 1, $"run {run}: snapshots nobody reported committed: {string.Join(", ", unreported)}");
            foreach (var id in unreported)
            {
                // Written in full before the kill, just not reported yet: it must read like any other.
                Assert.NotNull(await store.GetAsync(id, ct));
                committed[id] = Digest((await store.GetAsync(id, ct))!.State);
            }
        }

        // The kills came while the child was busy writing, not before it started.
        Assert.True(commitsAtKill.Sum() >= Kills, $"commits per run: {string.Join(", ", commitsAtKill)}");
    }

    private static async Task<List<string>> RunAndKillAsync(string database, string statePath, int seed, int commits, TimeSpan after, CancellationToken ct)
    {
        var writer = typeof(CrashSafetyTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotWriter").Value!;
        Assert.True(File.Exists(writer), $"the snapshot writer is not built at {writer}");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { writer, database, statePath, seed.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(arg);
        }

        using var child = Process.Start(psi)!;
        var lines = new List<string>();
        var ready = new TaskCompletionSource();
        var committed = new TaskCompletionSource();
        var seen = 0;
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (e.Data == "ready")
            {
                ready.TrySetResult();
            }
            else if (e.Data.StartsWith("committed ", StringComparison.Ordinal) && Interlocked.Increment(ref seen) >= commits)
            {
                committed.TrySetResult();
            }
        };
        var stderr = child.StandardError.ReadToEndAsync(ct);
        child.BeginOutputReadLine();
        var started = await Task.WhenAny(ready.Task, child.WaitForExitAsync(ct), Task.Delay(TimeSpan.FromSeconds(60), ct));
        if (started != ready.Task)
        {
            child.Kill();
            await child.WaitForExitAsync(ct);
            Assert.Fail($"the writer did not start: {await stderr}");
        }

        var wrote = await Task.WhenAny(committed.Task, child.WaitForExitAsync(ct), Task.Delay(TimeSpan.FromSeconds(60), ct));
        if (wrote != committed.Task && !child.HasExited)
        {
            child.Kill();
            await child.WaitForExitAsync(ct);
            Assert.Fail($"the writer reported fewer than {commits} commits in 60 s");
        }

        await Task.Delay(after, ct);
        if (child.HasExited)
        {
            Assert.Fail($"the writer stopped by itself ({child.ExitCode}): {await stderr}");
        }

        child.Kill();   // SIGKILL on Linux: no handler, no flush, no finally blocks
        await child.WaitForExitAsync(ct);
        lock (lines)
        {
            return [.. lines];
        }
    }

    private static string Digest(SnapshotState state) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(state, DashboardJson.Options))));
}
