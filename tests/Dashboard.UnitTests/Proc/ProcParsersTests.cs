using System.Text;
using Dashboard.Server.Collection.Proc;
using Dashboard.Shared.Contracts;
using Dashboard.Shared.Model;

namespace Dashboard.UnitTests.Proc;

public sealed class NamespaceLinkTests
{
    [Fact]
    public void ParsesEveryLinkOfARealProcess()
    {
        // readlink of /proc/self/ns/* on the build machine.
        var lines = Samples.Text("ns-links-self.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var parsed = new Dictionary<string, NamespaceKey>();
        foreach (var line in lines)
        {
            var (name, target) = (line.Split(' ')[0], line.Split(' ')[1]);
            Assert.True(ProcParsers.TryParseNamespaceLink(target, out var key), target);
            parsed[name] = key;
        }

        Assert.Equal(new NamespaceKey(NamespaceType.Net, 4026531833), parsed["net"]);
        Assert.Equal(new NamespaceKey(NamespaceType.User, 4026531837), parsed["user"]);
        Assert.Equal(new NamespaceKey(NamespaceType.Cgroup, 4026531835), parsed["cgroup"]);
        // The *_for_children links carry the plain type in their target; the scanner never reads those links.
        Assert.Equal(parsed["pid"], parsed["pid_for_children"]);
        Assert.Equal(8, parsed.Where(kv => !kv.Key.EndsWith("_for_children", StringComparison.Ordinal)).Select(kv => kv.Value.Type).Distinct().Count());
    }

    [Theory]
    [InlineData("socket:[12345]")]          // other fd targets that look alike
    [InlineData("pipe:[4026531840]")]
    [InlineData("anon_inode:[eventfd]")]
    [InlineData("net:[]")]
    [InlineData("net:[-1]")]
    [InlineData("net:[12")]
    [InlineData("net:12]")]
    [InlineData("/run/netns/x")]
    [InlineData("")]
    [InlineData("pid_for_children:[4026531836]")]
    public void RejectsWhatIsNotANamespace(string text) => Assert.False(ProcParsers.TryParseNamespaceLink(text, out _));

    [Fact]
    public void KeyPrintsAsTheKernelDoes() =>
        Assert.Equal("time:[4026531834]", new NamespaceKey(NamespaceType.Time, 4026531834).ToString());
}

public sealed class StatusTests
{
    [Fact]
    public void OwnProcess()
    {
        var status = ProcParsers.ParseStatus(Samples.Text("status-self.txt"), 7818);
        Assert.NotNull(status);
        Assert.Equal("cat", status.Name);
        Assert.Equal(7815, status.Ppid);
        Assert.Equal(0, status.Uid);
        Assert.Equal([7818], status.NsPids);
    }

    [Fact]
    public void KernelThread()
    {
        var status = ProcParsers.ParseStatus(Samples.Text("status-kthreadd.txt"), 2);
        Assert.NotNull(status);
        Assert.Equal("kthreadd", status.Name);
        Assert.Equal(0, status.Ppid);
        Assert.Equal([2], status.NsPids);
    }

    [Fact]
    public void NestedPidNamespaceAndUnprivilegedUser()
    {
        var status = ProcParsers.ParseStatus(Samples.Text("status-nested-pid-nobody.txt"), 9842);
        Assert.NotNull(status);
        Assert.Equal("sleep", status.Name);
        Assert.Equal(9839, status.Ppid);
        Assert.Equal(65534, status.Uid);
        Assert.Equal([9842, 1], status.NsPids);
    }

    [Fact]
    public void NameWithSpaceAndParentheses()
    {
        var status = ProcParsers.ParseStatus(Samples.Text("status-paren-comm.txt"), 7824);
        Assert.NotNull(status);
        Assert.Equal("we ird) (x", status.Name);
    }

    [Fact]
    public void MissingNSpidFallsBackToThePid()
    {
        var status = ProcParsers.ParseStatus(Samples.Text("status-no-nspid.txt"), 7818);
        Assert.NotNull(status);
        Assert.Equal([7818], status.NsPids);
    }

    [Fact]
    public void RealUidIsTheFirstField()
    {
        // A setuid program: real 1000, effective 0.
        var text = Samples.Text("status-self.txt").Replace("Uid:\t0\t0\t0\t0", "Uid:\t1000\t0\t0\t0", StringComparison.Ordinal);
        Assert.Equal(1000, ProcParsers.ParseStatus(text, 7818)!.Uid);
    }

    [Fact]
    public void BackslashInNameIsUnescaped()
    {
        // Seen here: /bin/sleep copied to '/tmp/a\b' shows "Name:\ta\\b" in status.
        var text = Samples.Text("status-self.txt").Replace("Name:\tcat", "Name:\ta\\\\b", StringComparison.Ordinal);
        Assert.Equal("a\\b", ProcParsers.ParseStatus(text, 7818)!.Name);
    }

    [Fact]
    public void TruncatedStatusIsRejected()
    {
        var text = Samples.Text("status-self.txt");
        Assert.Null(ProcParsers.ParseStatus(text[..text.IndexOf("PPid", StringComparison.Ordinal)], 7818));
        Assert.Null(ProcParsers.ParseStatus("", 1));
    }
}

public sealed class StatTests
{
    [Theory]
    [InlineData("stat-bash.txt", 38922UL)]
    [InlineData("stat-kthreadd.txt", 20UL)]
    [InlineData("stat-paren-comm.txt", 46132UL)]      // comm "we ird) (x"
    [InlineData("stat-fake-fields-comm.txt", 46548UL)] // comm "x) R 1 2 (y)"
    public void StartTimeIsField22(string sample, ulong expected) =>
        Assert.Equal(expected, ProcParsers.ParseStat(Samples.Text(sample))!.StartTime);

    [Theory]
    [InlineData("stat-bash.txt", "bash", 5922, 1)]
    [InlineData("stat-kthreadd.txt", "kthreadd", 0, 1)]
    [InlineData("stat-paren-comm.txt", "we ird) (x", 7823, 1)]
    [InlineData("stat-fake-fields-comm.txt", "x) R 1 2 (y)", 7909, 1)]
    [InlineData("stat-python-4-threads.txt", "python3", 25212, 4)]
    public void CommParentAndThreadCount(string sample, string comm, int ppid, int threads)
    {
        var stat = ProcParsers.ParseStat(Samples.Text(sample))!;
        Assert.Equal(comm, stat.Comm);
        Assert.Equal(ppid, stat.Ppid);
        Assert.Equal(threads, stat.Threads);
    }

    [Fact]
    public void ExecImageIsFields26To28And48To51()
    {
        var stat = ProcParsers.ParseStat(Samples.Text("stat-bash.txt"))!;
        Assert.Equal(
            new ExecImage(94897705467904, 94897706257309, 140726900509200, 140726900513405, 140726900513420, 140726900513420, 140726900514794),
            stat.Image);
        // A kernel thread has no user memory.
        Assert.Equal(default, ProcParsers.ParseStat(Samples.Text("stat-kthreadd.txt"))!.Image);
    }

    [Fact]
    public void AnExecShowsInTheImageAlthoughPidStartTimeAndCommStay()
    {
        // The same PID before and after `exec sh -c …`: only the memory layout tells them apart.
        var before = ProcParsers.ParseStat(Samples.Text("stat-before-exec.txt"))!;
        var after = ProcParsers.ParseStat(Samples.Text("stat-after-exec.txt"))!;
        Assert.Equal((before.StartTime, before.Comm, before.Ppid), (after.StartTime, after.Comm, after.Ppid));
        Assert.NotEqual(before.Image, after.Image);
    }

    [Fact]
    public void FieldsPast22AreOptional()
    {
        // A line cut after starttime, as an old kernel without the later fields would print it.
        var text = Samples.Text("stat-bash.txt");
        var cut = ProcParsers.ParseStat(text[..(text.IndexOf(" 38922 ", StringComparison.Ordinal) + 6)])!;
        Assert.Equal(38922UL, cut.StartTime);
        Assert.Equal(default, cut.Image);
    }

    [Theory]
    [InlineData("")]
    [InlineData("123 (cut")]
    [InlineData("123 (short) S 1 2 3")]
    [InlineData("123 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 notanumber 0")]
    [InlineData("123 (x) S -1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 77 0")]
    public void MalformedGivesNull(string text) => Assert.Null(ProcParsers.ParseStat(text));
}

public sealed class CommandTests
{
    [Fact]
    public void ArgumentsAreJoinedWithSpaces() =>
        Assert.Equal("bash /dev/fd/3", ProcParsers.FormatCommand(Samples.Bytes("cmdline-bash.bin"), "bash"));

    [Fact]
    public void ArgumentWithSpacesStaysAsIs() =>
        Assert.Equal("/tmp/we ird) (x 30", ProcParsers.FormatCommand(Samples.Bytes("cmdline-paren-comm.bin"), "we ird) (x"));

    [Fact]
    public void EmptyIsShownAsNameInBrackets()
    {
        Assert.Empty(Samples.Bytes("cmdline-kthreadd.bin"));
        Assert.Equal("[kthreadd]", ProcParsers.FormatCommand(Samples.Bytes("cmdline-kthreadd.bin"), "kthreadd"));
    }

    [Fact]
    public void OnlyNulsCountsAsEmpty() => Assert.Equal("[x]", ProcParsers.FormatCommand("\0\0"u8, "x"));

    [Fact]
    public void RewrittenCmdlineWithoutNulsIsKept() =>
        // setproctitle-style: one string with spaces and no terminating NUL (e.g. "postgres: writer").
        Assert.Equal("postgres: writer", ProcParsers.FormatCommand("postgres: writer"u8, "postgres"));

    [Fact]
    public void Utf8IsDecoded() =>
        Assert.Equal("echo grüß", ProcParsers.FormatCommand(Encoding.UTF8.GetBytes("echo\0grüß\0"), "echo"));
}

public sealed class MountInfoTests
{
    [Fact]
    public void FindsNsfsEntriesOfARealMountInfo()
    {
        var mounts = ProcParsers.ParseMountInfoNsfs(Samples.Text("mountinfo-nsfs.txt"));
        var key = new NamespaceKey(NamespaceType.Net, 4026532177);
        Assert.Equal(
            [new NsfsMount(key, "/run/netns/dt-sample-5923"), new NsfsMount(key, "/tmp/dt sample/ns")],
            mounts);
    }

    [Fact]
    public void NonNsfsLinesAreIgnoredEvenWithOptionalFields()
    {
        // From the same capture: has "shared:1" before the separator; the fstype is ext4.
        const string line = "41 26 254:0 /var/lib/docker /var/lib/docker rw,relatime shared:1 - ext4 /dev/vda rw,discard";
        Assert.Empty(ProcParsers.ParseMountInfoNsfs(line));
    }

    [Fact]
    public void NsfsWithoutOptionalFields()
    {
        const string line = "50 26 0:4 mnt:[4026532300] /run/x\\011tab\\012nl\\134bs rw - nsfs nsfs rw\n";
        var mount = Assert.Single(ProcParsers.ParseMountInfoNsfs(line));
        Assert.Equal(new NamespaceKey(NamespaceType.Mnt, 4026532300), mount.Key);
        Assert.Equal("/run/x\ttab\nnl\\bs", mount.MountPoint);
    }

    [Fact]
    public void RootThatDoesNotNameTheNamespaceLeavesTheKeyOpen()
    {
        // Older kernels print "/" as the root of nsfs mounts.
        const string line = "43 42 0:4 / /run/netns/old rw shared:3 - nsfs nsfs rw";
        var mount = Assert.Single(ProcParsers.ParseMountInfoNsfs(line));
        Assert.Null(mount.Key);
        Assert.Equal("/run/netns/old", mount.MountPoint);
    }

    [Fact]
    public void MountPointNamedLikeTheSeparatorIsNotMisread()
    {
        // A directory called " - nsfs " shows up escaped, so the first " - " is still the real separator.
        const string line = "60 26 254:0 / /tmp/a\\040-\\040nsfs\\040b rw,relatime - ext4 /dev/vda rw";
        Assert.Empty(ProcParsers.ParseMountInfoNsfs(line));
    }

    [Theory]
    [InlineData("/plain", "/plain")]
    [InlineData("/a\\040b", "/a b")]
    [InlineData("/gr\\303\\274\\303\\237", "/grüß")] // escaped UTF-8 bytes of a non-ASCII name
    [InlineData("/not\\09escape", "/not\\09escape")]
    [InlineData("/end\\04", "/end\\04")]
    public void OctalEscapes(string raw, string decoded) => Assert.Equal(decoded, ProcParsers.DecodeOctalEscapes(raw));
}

public sealed class IdMapTests
{
    [Fact]
    public void MapRootToRoot() =>
        Assert.Equal([new IdMapRange { InsideId = 0, OutsideId = 0, Count = 1 }], ProcParsers.ParseIdMap(Samples.Text("uid_map-root.txt")));

    [Fact]
    public void MapRootToNobody()
    {
        Assert.Equal([new IdMapRange { InsideId = 0, OutsideId = 65534, Count = 1 }], ProcParsers.ParseIdMap(Samples.Text("uid_map-nobody.txt")));
        Assert.Equal([new IdMapRange { InsideId = 0, OutsideId = 65534, Count = 1 }], ProcParsers.ParseIdMap(Samples.Text("gid_map-nobody.txt")));
    }

    [Fact]
    public void InitialNamespaceMapsEverything() =>
        Assert.Equal([new IdMapRange { InsideId = 0, OutsideId = 0, Count = 4294967295 }], ProcParsers.ParseIdMap(Samples.Text("uid_map-initial.txt")));

    [Fact]
    public void SeveralLinesAndJunk()
    {
        // The shape userns-remap gives, plus a line that is not a range.
        const string text = "         0     100000      65536\n     65536          0          1\ngarbage\n1 2\n1 2 3 4\n";
        Assert.Equal(
            [new IdMapRange { InsideId = 0, OutsideId = 100000, Count = 65536 }, new IdMapRange { InsideId = 65536, OutsideId = 0, Count = 1 }],
            ProcParsers.ParseIdMap(text));
    }

    [Fact]
    public void EmptyMapBeforeItIsWritten() => Assert.Empty(ProcParsers.ParseIdMap(""));
}

public sealed class PasswdTests
{
    [Fact]
    public void RealPasswd()
    {
        var users = ProcParsers.ParsePasswd(Samples.Text("passwd.txt"));
        Assert.Equal("root", users[0]);
        Assert.Equal("nobody", users[65534]);
        Assert.Equal("cloudsdk", users[1000]);
        Assert.Equal("_apt", users[42]);
        Assert.Equal(Samples.Text("passwd.txt").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, users.Count);
    }

    [Fact]
    public void CommentsBlankAndBrokenLinesAreSkippedAndFirstEntryWins()
    {
        const string text = "# comment\n\nbroken\nnouid:x::0:\n:x:5:5::/:/bin/sh\ntoor:x:0:0::/root:/bin/sh\nroot:x:0:0::/root:/bin/sh\n+nis\n";
        var users = ProcParsers.ParsePasswd(text);
        Assert.Equal("toor", Assert.Single(users).Value);
    }

    [Theory]
    [InlineData("socket:[740897]", 740897UL)]
    [InlineData("socket:[1]", 1UL)]
    public void SocketLinksGiveTheirInode(string text, ulong inode)
    {
        Assert.True(ProcParsers.TryParseSocketLink(text, out var parsed));
        Assert.Equal(inode, parsed);
    }

    [Theory]
    [InlineData("pipe:[740897]")]
    [InlineData("socket:[]")]
    [InlineData("socket:[12")]
    [InlineData("net:[4026531840]")]
    [InlineData("/dev/null")]
    public void OtherLinksAreNotSockets(string text) => Assert.False(ProcParsers.TryParseSocketLink(text, out _));
}
