using Tinyfence.Cli;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Cli;

/// <summary><c>run --pidfile FILE</c>: written once started, removed at exit, never two daemons on one file.</summary>
public sealed class PidFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-pidfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PidPath => Path.Combine(_dir, "tinyfence.pid");

    // A fake /proc holding one process, PID, whose comm is NAME.
    private string FakeProc(int pid, string name)
    {
        string root = Path.Combine(_dir, "proc");
        Directory.CreateDirectory(Path.Combine(root, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(root, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "comm"), name + "\n");
        return root;
    }

    [Fact]
    public void ClaimRefusesAFileNamingALiveTinyfenceAndSaysWhichPid()
    {
        File.WriteAllText(PidPath, "4242\n");
        string proc = FakeProc(4242, "tinyfence");

        PidFile? claimed = PidFile.Claim(PidPath, out string? refusal, out int? stale, proc, pid: 100);

        Assert.Null(claimed);
        Assert.Equal($"--pidfile '{PidPath}': tinyfence is already running as pid 4242", refusal);
        Assert.Null(stale);
        Assert.Equal("4242\n", File.ReadAllText(PidPath));
    }

    [Theory]
    [InlineData("4242\n", "bash")]      // the pid was reused by another program
    [InlineData("5151\n", null)]        // no such process: left by a crash
    [InlineData("garbage\n", null)]     // not a pid at all
    [InlineData("", null)]              // empty: a crash between create and write by some other tool
    public void ClaimReplacesAStaleFile(string content, string? liveName)
    {
        File.WriteAllText(PidPath, content);
        string proc = liveName is null ? Path.Combine(_dir, "proc") : FakeProc(4242, liveName);

        using PidFile? claimed = PidFile.Claim(PidPath, out string? refusal, out _, proc, pid: 100);
        Assert.NotNull(claimed);
        Assert.Null(refusal);
        Assert.True(claimed.TryWrite(out _));

        Assert.Equal("100\n", File.ReadAllText(PidPath));
    }

    [Fact]
    public void ClaimAcceptsAFileNamingItself()
    {
        // An init script that wrote the daemon's own pid first (start-stop-daemon --make-pidfile).
        File.WriteAllText(PidPath, "100\n");
        string proc = FakeProc(100, "tinyfence");

        using PidFile? claimed = PidFile.Claim(PidPath, out string? refusal, out int? stale, proc, pid: 100);

        Assert.NotNull(claimed);
        Assert.Null(refusal);
        Assert.Null(stale);
    }

    [Fact]
    public void WriteLeavesNoTempFileAndDisposeRemovesOnlyItsOwnPid()
    {
        using (PidFile claimed = PidFile.Claim(PidPath, out _, out _, pid: 100)!)
        {
            Assert.True(claimed.TryWrite(out _));
            Assert.Equal(["tinyfence.pid"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        }
        Assert.False(File.Exists(PidPath));

        // Another process wrote its pid since: the file is not this one's to remove.
        using (PidFile claimed = PidFile.Claim(PidPath, out _, out _, pid: 100)!)
        {
            Assert.True(claimed.TryWrite(out _));
            File.WriteAllText(PidPath, "200\n");
        }
        Assert.Equal("200\n", File.ReadAllText(PidPath));
    }

    [Fact]
    public void TheDaemonSaysWhyItCannotWriteThePidFileAndExits1()
    {
        using var proc = new FakeProcTree("idle");
        string config = Path.Combine(_dir, "tinyfence.conf");
        File.WriteAllText(config, "rule 'beat' { la1 >= 0 } log once step 200ms");
        string nowhere = Path.Combine(_dir, "no-such-dir", "tinyfence.pid");

        (int code, string output) = TinyfenceProgram.Run("run", "-c", config, "--proc-root", proc.Root, "--pidfile", nowhere);

        Assert.Equal(1, code);
        Assert.Contains($"--pidfile '{nowhere}': cannot write it: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected error", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDaemonWritesItsPidOnceStartedRefusesASecondAndRemovesTheFileAtExit()
    {
        using var proc = new FakeProcTree("idle");
        string config = Path.Combine(_dir, "tinyfence.conf");
        File.WriteAllText(config, "rule 'beat' { la1 >= 0 } log once step 200ms");
        using RunningDaemon daemon = TinyfenceProgram.Start("run", "-c", config, "--proc-root", proc.Root, "--pidfile", PidPath);
        daemon.WaitForLine("rule \"beat\" fired");
        Assert.Equal(daemon.Pid, PidFile.ReadPid(PidPath));

        (int code, string output) = TinyfenceProgram.Run("run", "-c", config, "--proc-root", proc.Root, "--pidfile", PidPath);
        Assert.Equal(1, code);
        Assert.Contains($"--pidfile '{PidPath}': tinyfence is already running as pid {daemon.Pid}", output, StringComparison.Ordinal);
        Assert.Equal(daemon.Pid, PidFile.ReadPid(PidPath));

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(PidPath), "the pid file outlived the daemon");
    }

    [Fact]
    public void TheDaemonReplacesAStalePidFileAndSaysSo()
    {
        using var proc = new FakeProcTree("idle");
        string config = Path.Combine(_dir, "tinyfence.conf");
        File.WriteAllText(config, "rule 'beat' { la1 >= 0 } log once step 200ms");
        // Above any pid_max (2^22): never a live process.
        File.WriteAllText(PidPath, "999999999\n");

        using RunningDaemon daemon = TinyfenceProgram.Start("run", "-c", config, "--proc-root", proc.Root, "--pidfile", PidPath);
        daemon.WaitForLine("replacing a stale pid file (pid 999999999 is not a running tinyfence)");
        daemon.WaitForLine("rule \"beat\" fired");
        Assert.Equal(daemon.Pid, PidFile.ReadPid(PidPath));

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.False(File.Exists(PidPath));
    }
}
