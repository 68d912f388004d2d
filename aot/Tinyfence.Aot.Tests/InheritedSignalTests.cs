using System.Globalization;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>
/// The published binary started the way nohup, start-stop-daemon and some supervisors start
/// daemons: SIGHUP (and SIGINT) ignored and the signals it relies on blocked, both passed on
/// through exec (tests/scripts/with-signals.py). It takes its signals back: the daemon reloads on
/// SIGHUP and stops on SIGTERM; the feed reopens its log on SIGHUP and reads on after SIGTERM.
/// </summary>
public class InheritedSignalTests
{
    private static readonly TimeSpan s_event = TimeSpan.FromSeconds(30);

    private static string[] Inherited(string ignore, string block, params string[] command) =>
        [Path.Combine(Repo.Root, "tests", "scripts", "with-signals.py"), "--ignore", ignore, "--block", block, "--", Repo.PublishedBinary, .. command];

    [Fact]
    public void DaemonStartedWithHangUpIgnoredAndBlockedReloadsAndStops()
    {
        using var dir = new TempDir();
        string config = dir.Write("reload.conf", """
            set step 1s
            rule "Before" { la1 >= 0 } log once
            """);
        using var daemon = RunningDaemon.Start("/usr/bin/python3", Inherited("HUP,INT", "HUP,INT,TERM,USR1,USR2", "run", "-c", config));
        daemon.WaitForLine(l => l.Contains(Diagnostics.Fired("Before"), StringComparison.Ordinal), s_event, "'rule \"Before\" fired' line");
        AssertHandled(daemon.Pid, Posix.SIGHUP, Posix.SIGINT, Posix.SIGTERM, Posix.SIGUSR1, Posix.SIGUSR2);

        dir.Write("reload.conf", """
            set step 1s
            rule "After" { la1 >= 0 } log once
            """);
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine(l => l.Contains(Diagnostics.Fired("After"), StringComparison.Ordinal), s_event, "'rule \"After\" fired' line after SIGHUP");

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_event));
    }

    [Fact]
    public void FeedStartedWithHangUpIgnoredAndBlockedReopensAndReadsOnAfterTerm()
    {
        using var dir = new TempDir();
        string log = Path.Combine(dir.Path, "access.log");
        using var feed = LineProcess.Start("/usr/bin/python3",
            Inherited("HUP", "HUP,TERM", "feed", "--table", "spam", "--run-dir", Path.Combine(dir.Path, "run"), "--log", log));
        feed.WriteLine(LogLine(1));
        WaitForText(log, LogLine(1));
        AssertHandled(feed.Pid, Posix.SIGHUP, Posix.SIGTERM);

        // logrotate: the file moved away, then SIGHUP. The signal is handled on a thread of its
        // own, so a line written at once may still go to the old file: lines go on until one
        // reaches the new file.
        File.Move(log, log + ".1");
        feed.Signal(Posix.SIGHUP);
        int reopened = 2;
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); !Holds(log, LogLine(reopened - 1)); reopened++)
        {
            Assert.True(clock.Elapsed < s_event, $"no line reached a new {log} within {s_event.TotalSeconds} s of SIGHUP");
            feed.WriteLine(LogLine(reopened));
            Thread.Sleep(50);
        }

        // Apache's restart: SIGTERM flushes, and what its workers still write is logged.
        feed.Signal(Posix.SIGTERM);
        feed.WriteLine(LogLine(0));
        feed.CloseInput();
        Assert.Equal(0, feed.WaitForExit(s_event));
        Assert.Contains(LogLine(0), File.ReadAllText(log), StringComparison.Ordinal);
        Assert.Contains(LogLine(1), File.ReadAllText(log + ".1"), StringComparison.Ordinal);
    }

    private static string LogLine(int n) => $"192.0.2.{n} - - [06/Dec/2026:10:00:00 +0000] \"GET /{n} HTTP/1.1\" 200 5";

    /// <summary>Each signal has a handler, is not ignored and is not blocked (the main thread's mask).</summary>
    private static void AssertHandled(int pid, params int[] signals)
    {
        string status = File.ReadAllText($"/proc/{pid}/status");
        foreach (int signal in signals)
        {
            ulong bit = 1UL << (signal - 1);
            Assert.True((Mask(status, "SigCgt") & bit) != 0, $"signal {signal} has no handler:\n{status}");
            Assert.True((Mask(status, "SigIgn") & bit) == 0, $"signal {signal} is still ignored:\n{status}");
            Assert.True((Mask(status, "SigBlk") & bit) == 0, $"signal {signal} is still blocked:\n{status}");
        }
    }

    private static ulong Mask(string status, string field)
    {
        string line = status.Split('\n').Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return ulong.Parse(line[(field.Length + 1)..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private static bool Holds(string path, string text) =>
        File.Exists(path) && File.ReadAllText(path).Contains(text, StringComparison.Ordinal);

    private static void WaitForText(string path, string text)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!Holds(path, text))
        {
            Assert.True(clock.Elapsed < s_event, $"'{text}' did not reach {path} within {s_event.TotalSeconds} s");
            Thread.Sleep(20);
        }
    }
}
