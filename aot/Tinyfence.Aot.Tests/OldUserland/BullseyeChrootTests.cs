using System.Text.RegularExpressions;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests.OldUserland;

/// <summary>
/// The static binary under chroot in a Debian 11 userland (glibc 2.31, older than the glibc it
/// was linked against). A P/Invoke that dlopens libc.so.6 would abort here at once, and a user
/// name must resolve through the chroot's own /etc/passwd.
/// </summary>
public class BullseyeChrootTests(BullseyeRoot bullseye) : IClassFixture<BullseyeRoot>
{
    [Fact]
    public void TreeIsDebian11WithGlibc231()
    {
        Assert.StartsWith("11", bullseye.DebianVersion, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(bullseye.Root, "lib", "x86_64-linux-gnu", "libc-2.31.so")),
            "the chroot has no glibc 2.31");
    }

    [Fact]
    public void VersionRunsInBullseyeChroot()
    {
        var result = bullseye.Tinyfence("--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(new Regex(@"^tinyfence [0-9]+\.[0-9]+\.[0-9]+"), result.Stdout);
    }

    [Fact]
    public void CheckAcceptsSeedConfigInBullseyeChroot()
    {
        var result = bullseye.Tinyfence("check", bullseye.FixturesInChroot + "/configs/good/seed-fixed.conf");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void CheckRejectsBrokenConfigInBullseyeChroot()
    {
        string? broken = Directory.Exists(Repo.BrokenConfigs)
            ? Directory.EnumerateFiles(Repo.BrokenConfigs, "*.conf").Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
        Assert.True(broken is not null, $"{Repo.BrokenConfigs} has no *.conf fixture");
        string inChroot = bullseye.FixturesInChroot + "/configs/broken/" + Path.GetFileName(broken);

        var result = bullseye.Tinyfence("check", inChroot);

        Assert.True(result.ExitCode == 78, result.ToString());
        Assert.NotEmpty(Diagnostics.ErrorsIn(result.Stderr, inChroot));
    }

    [Fact]
    public void RunOnceOnOverloadedProcTreeFiresApacheStopInBullseyeChroot()
    {
        // Not a dry run: the seed's commands are spawned under the old glibc for real; the
        // chroot has neither /etc/init.d/apache2 nor mail, so they fail harmlessly with 127.
        var result = bullseye.Tinyfence("run", "--once",
            "--proc-root", bullseye.FixturesInChroot + "/proc/overloaded",
            "-c", bullseye.FixturesInChroot + "/configs/good/seed-fixed.conf");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(Diagnostics.Fired("ApacheStop"), result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Diagnostics.Fired("ApacheStart"), result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void NprocUserFilterResolvesUserFromChrootPasswd()
    {
        // www-data is uid 33 in the chroot's /etc/passwd. The fake /proc has three of its
        // processes and one of root's, so a threshold of 3 holds and one of 4 does not.
        string procInChroot = bullseye.StageInChroot + "/proc-www";
        FakeProc.Build(bullseye.HostPath(procInChroot), Repo.ProcTree("idle"),
            [(1, 0, "init"), (201, 33, "apache2"), (202, 33, "apache2"), (203, 33, "apache2")]);
        string config = bullseye.StageInChroot + "/nproc-user.conf";
        File.WriteAllText(bullseye.HostPath(config), """
            rule "WwwBusy" { nproc "www-data" >= 3 } log
            rule "WwwStorm" { nproc "www-data" >= 4 } log
            """);

        var check = bullseye.Tinyfence("check", config);
        Assert.True(check.ExitCode == 0, check.ToString());

        var result = bullseye.Tinyfence("run", "--once", "--proc-root", procInChroot, "-c", config);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(Diagnostics.Fired("WwwBusy"), result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Diagnostics.Fired("WwwStorm"), result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MailGoesOutFromTheChrootToANameFromItsEtcHosts()
    {
        // The static glibc resolves names with NSS "files" (and dns) only: a name in the old
        // userland's /etc/hosts must work. The chroot shares the host's network: the test SMTP
        // server on 127.0.0.1 is reachable from inside.
        const string Entry = "127.0.0.1 smtp.tinyfence.test";
        string hosts = bullseye.HostPath("/etc/hosts");
        if (!File.Exists(hosts) || !File.ReadAllText(hosts).Contains(Entry, StringComparison.Ordinal))
        {
            File.AppendAllText(hosts, "\n" + Entry + "\n");
        }

        using SmtpTestServer server = SmtpTestServer.Start();
        string config = bullseye.StageInChroot + "/mail.conf";
        File.WriteAllText(bullseye.HostPath(config), $$"""
            mail { server "smtp.tinyfence.test" port {{server.Port}} security none from "tf@example.com" to "admin@example.com" }
            rule "r" { la1 >= 0 } log
            """);

        var result = bullseye.Tinyfence("mail-test", "-c", config);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(server.WaitForMessages(1));
    }

    [Fact]
    public void ScoreDaemonMapAndClientRunInBullseyeChroot()
    {
        string run = bullseye.StageInChroot + "/run";
        string config = bullseye.StageInChroot + "/scores.conf";
        File.WriteAllText(bullseye.HostPath(config), $$"""
            set run-dir "{{run}}"
            set state-dir "{{bullseye.StageInChroot}}/state"
            table "spam" { capacity 4096 decay 3 per 1d block above 15 }
            """);
        using RunningDaemon daemon = RunningDaemon.Start("chroot", bullseye.Root, bullseye.BinaryInChroot, "run", "-c", config);
        daemon.WaitForLine("serving 1 table(s)");

        var set = bullseye.Tinyfence("score", "--run-dir", run, "set", "spam", "192.0.2.1", "20");
        Assert.True(set.ExitCode == 0, set.ToString());
        var check = bullseye.Tinyfence("score", "--run-dir", run, "check", "spam", "192.0.2.1");
        Assert.True(check.ExitCode == 0 && check.Stdout == "BLOCK\n", check.ToString());

        using (LineProcess map = LineProcess.Start("chroot", [bullseye.Root, bullseye.BinaryInChroot, "map", "--table", "spam", "--run-dir", run]))
        {
            Assert.Equal("BLOCK", ScoreTableEndToEndTests.Ask(map, "192.0.2.1"));
            Assert.Equal("ALLOW", ScoreTableEndToEndTests.Ask(map, "2001:db8::1"));
            Assert.Equal("NULL", ScoreTableEndToEndTests.Ask(map, "nonsense"));
            map.CloseInput();
            Assert.Equal(0, map.WaitForExit(Patience.Short));
        }

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
        Assert.True(File.Exists(bullseye.HostPath(bullseye.StageInChroot + "/state/spam.scores")));
    }
}
