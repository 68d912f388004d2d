using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Hosting;

/// <summary>The daemon as a real process: reload on SIGHUP, clean stop on SIGTERM, --once, --dry-run.</summary>
public sealed class DaemonProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-daemon-").FullName;
    private readonly FakeProcTree _proc = new("idle");

    public void Dispose()
    {
        _proc.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Config(string text)
    {
        string path = Path.Combine(_dir, "tinyfence.conf");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ReloadWithABrokenConfigKeepsTheOldRulesAndSaysWhere()
    {
        string config = Config("rule 'beat' { la1 >= 0 } log step 200ms");
        using var daemon = TinyfenceProgram.Start("run", "-c", config, "--proc-root", _proc.Root);
        daemon.WaitForLine("rule \"beat\" fired");

        File.WriteAllText(config, "rule 'beat' { la1 >= 0 } log step 200ms\nrule 'bad' { la2 > 1 } log\n");
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine($"{config}:2:14: error: expected a resource");
        int rejected = daemon.WaitForLine("reload rejected: the previous rules keep running");
        int next = daemon.WaitForLine("rule \"beat\" fired", rejected); // the old rule goes on checking
        daemon.WaitForLine("rule \"beat\" fired", next + 1);

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
    }

    [Fact]
    public void ReloadKeepsALatchedRuleLatched()
    {
        _proc.SetLoad(12);
        string config = Config("rule 'apache' { la1 >= 10 } log once until { la1 <= 2 } log\nset step 200ms");
        using var daemon = TinyfenceProgram.Start("run", "-c", config, "--proc-root", _proc.Root);
        daemon.WaitForLine("rule \"apache\" fired");

        File.WriteAllText(config, "rule 'apache' { la1 >= 10 } log once until { la1 <= 3 } log\nrule 'new' { la1 >= 0 } log once\nset step 200ms");
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine("reloaded: 2 rules, 1 kept their state");
        _proc.SetLoad(2.5);
        daemon.WaitForLine("rule \"apache\" recovered: la1=2.50");
        Assert.Equal(1, daemon.CountLines("rule \"apache\" fired"));

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
    }

    [Fact]
    public void SigtermLetsARunningCommandFinish()
    {
        string marker = Path.Combine(_dir, "finished");
        string gate = Path.Combine(_dir, "gate");
        string config = Config($"rule 'slow' {{ la1 >= 0 }} run once 'while [ ! -e {gate} ]; do sleep 0.05; done; echo done > {marker}'");
        using var daemon = TinyfenceProgram.Start("run", "-c", config, "--proc-root", _proc.Root);
        daemon.WaitForLine("slow: started");
        daemon.Signal(Posix.SIGTERM);
        daemon.WaitForLine("waiting for 1 running command");
        File.WriteAllText(gate, "");
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
        Assert.Equal("done", File.ReadAllText(marker).Trim());
    }

    [Fact]
    public void OnceChecksEveryRuleAndExits()
    {
        (int code, string output) = TinyfenceProgram.Run("run", "--once", "--dry-run", "--proc-root", RepoRoot.Fixture("proc", "overloaded"),
            "-c", RepoRoot.Fixture("configs", "good", "seed-fixed.conf"));
        Assert.Equal(0, code);
        Assert.Contains("rule \"ApacheStop\" fired: la1=12.50 la5=7.20", output, StringComparison.Ordinal);
        Assert.Contains("ApacheStop: would run '/etc/init.d/apache2 stop;' (dry run)", output, StringComparison.Ordinal);
        Assert.Contains("rule \"warning\" fired: la1=12.50", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ApacheStart", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SeedConfigOnAnIdleMachineOnlyStartsApache()
    {
        (int code, string output) = TinyfenceProgram.Run("--once", "--dry-run", "--proc-root", RepoRoot.Fixture("proc", "idle"),
            RepoRoot.Fixture("configs", "good", "seed-fixed.conf"));
        Assert.Equal(0, code);
        Assert.Contains("rule \"ApacheStart\" fired: la1=0.08", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ApacheStop", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ABrokenConfigDoesNotStartAndExitsWithStatus78()
    {
        (int code, string output) = TinyfenceProgram.Run("run", "--once", "-c", RepoRoot.Fixture("configs", "broken", "seed-as-posted.conf"));
        Assert.Equal(78, code);
        Assert.Contains("seed-as-posted.conf:3:1: error:", output, StringComparison.Ordinal);
        Assert.Contains("not started: 1 error(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void RootRefusesAConfigOthersCanWrite()
    {
        if (!Tinyfence.Hosting.ConfigSafety.IsRoot)
        {
            return; // the check applies to root only; CI runs as root
        }

        string config = Config("rule 'x' { la1 >= 0 } log");
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        (int code, string output) = TinyfenceProgram.Run("run", "--once", "-c", config, "--proc-root", _proc.Root);
        Assert.Equal(78, code);
        Assert.Contains($"{config}:1:1: error: config file is writable by every user (mode 0606)", output, StringComparison.Ordinal);

        // check refuses what run refuses.
        (code, output) = TinyfenceProgram.Run("check", "-c", config);
        Assert.Equal(78, code);
        Assert.Contains("config file is writable by every user", output, StringComparison.Ordinal);
    }

    [Fact]
    public void SigusrOnePausesAndSigusrTwoResumesInsteadOfKilling()
    {
        // A table saved every second, which upkeep goes on doing while rules are paused: the
        // daemon's own clock, slowed down with it on a loaded machine.
        using var env = new ScoreDaemon();
        env.Configure(ScoreDaemon.Table(extra: "snapshot every 1s") + "\nrule 'beat' { la1 >= 0 } log step 200ms");
        using var daemon = TinyfenceProgram.Start("run", "-c", env.ConfigPath, "--proc-root", _proc.Root);
        daemon.WaitForLine("rule \"beat\" fired");
        daemon.Signal(Posix.SIGUSR1);
        int paused = daemon.WaitForLine("paused");

        // Two saves after the pause: a second of the daemon's time, five beats had it not paused.
        env.WaitForSnapshots(2);
        daemon.Signal(Posix.SIGUSR2);
        int resumed = daemon.WaitForLine("resumed", paused);
        Assert.DoesNotContain(daemon.Stderr.Split('\n')[paused..resumed], l => l.Contains("fired", StringComparison.Ordinal));
        daemon.WaitForLine("rule \"beat\" fired", resumed);
        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
    }

    [Fact]
    public void ASecondSigtermStopsRunningCommandsAtOnce()
    {
        string config = Config("set timeout 10m\nrule 'long' { la1 >= 0 } run once 'sleep 600'");
        using var daemon = TinyfenceProgram.Start("run", "-c", config, "--proc-root", _proc.Root);
        daemon.WaitForLine("long: started");
        daemon.Signal(Posix.SIGTERM);
        daemon.WaitForLine("waiting for 1 running command");
        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
        Assert.Contains("second stop signal", daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitStatusIsKnownEvenWhenStartedWithSigchldIgnored()
    {
        // python3 ignores SIGCHLD, then execs tinyfence: the disposition survives exec.
        string config = Config("rule 'cmd' { la1 >= 0 } run once 'exit 3'");
        string tinyfence = Path.Combine(AppContext.BaseDirectory, "tinyfence");
        ProcessResult result = ProcessResult.Run("python3", ["-c",
            $"import signal, os; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv('{tinyfence}', ['tinyfence', '--once', '--proc-root', '{_proc.Root}', '-c', '{config}'])"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("cmd: command exited with status 3", result.Stderr + result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AReloadThatRemovesTheMailSectionStillDeliversTheMailOfARunningCommand()
    {
        using SmtpTestServer server = SmtpTestServer.Start();
        string gate = Path.Combine(_dir, "gate");
        string config = Config($$"""
            mail { server "127.0.0.1" port {{server.Port}} security none from "tf@example.com" to "admin@example.com" }
            rule "slow" { la1 >= 0 } run once 'while [ ! -e {{gate}} ]; do sleep 0.05; done' mail once
            """);
        using var daemon = TinyfenceProgram.Start("run", "-c", config, "--proc-root", _proc.Root);
        daemon.WaitForLine("slow: started");

        File.WriteAllText(config, "rule 'slow' { la1 >= 0 } run once 'true'");
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine("reloaded");
        File.WriteAllText(gate, "");

        Assert.Single(server.WaitForMessages(1));
        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
    }

    [Fact]
    public void BuiltinRulesLogTheMachinesFigures()
    {
        (int code, string output) = TinyfenceProgram.Run("--once", "--proc-root", RepoRoot.Fixture("proc", "overloaded"));
        Assert.Equal(0, code);
        Assert.Contains("using the built-in rules", output, StringComparison.Ordinal);
        Assert.Contains("rule \"status\" fired: la1=12.50 memavail=148M", output, StringComparison.Ordinal);
        Assert.Contains("rule \"memory-low\" fired: memavail=1.9% swapused=93.7%", output, StringComparison.Ordinal);
    }
}
