using Tinyfence.Testing;
using Tinyfence.Aot.Tests.Infrastructure;

namespace Tinyfence.Aot.Tests;

/// <summary>The foreground daemon: it ticks, reloads on SIGHUP, and stops cleanly.</summary>
/// <remarks>
/// The timeouts are hang guards, generous for a loaded 2-core CI machine; nothing here measures time.
/// </remarks>
public class DaemonSignalTests
{
    private static readonly TimeSpan s_firing = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_stop = TimeSpan.FromSeconds(10);

    // la1 is never negative, so the rule holds from the first tick on.
    private const string AlwaysConfig = """
        set step 1s
        rule "Always" { la1 >= 0 } log
        """;

    [Theory]
    [InlineData(Posix.SIGTERM)]
    [InlineData(Posix.SIGINT)]
    public void DaemonLogsFiringAndExitsZeroOnSignal(int signal)
    {
        using var dir = new TempDir();
        string config = dir.Write("always.conf", AlwaysConfig);
        using var daemon = Repo.StartPublished("run", "-c", config);

        daemon.WaitForLine(l => l.Contains(Diagnostics.Fired("Always"), StringComparison.Ordinal), s_firing,
            "'rule \"Always\" fired' line");
        daemon.Signal(signal);

        Assert.Equal(0, daemon.WaitForExit(s_stop));
    }

    [Fact]
    public void SighupWithBrokenConfigLogsLocatedErrorAndKeepsRunning()
    {
        using var dir = new TempDir();
        string config = dir.Write("reload.conf", AlwaysConfig);
        using var daemon = Repo.StartPublished("run", "-c", config);
        daemon.WaitForLine(l => l.Contains(Diagnostics.Fired("Always"), StringComparison.Ordinal), s_firing,
            "'rule \"Always\" fired' line");

        dir.Write("reload.conf", """
            set step 1s
            rule "Broken" { la1 >= } log
            """);
        int before = daemon.LineCount;
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine(l => Diagnostics.ErrorsIn(l, config).Count > 0, s_firing,
            "FILE:LINE:COL: error: line naming reload.conf", before);
        Assert.False(daemon.HasExited, $"the daemon exited after a failed reload\n{daemon.Stderr}");

        // Still alive and still reloading: a good config after the bad one is picked up.
        dir.Write("reload.conf", """
            set step 1s
            rule "Reloaded" { la1 >= 0 } log
            """);
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine(l => l.Contains(Diagnostics.Fired("Reloaded"), StringComparison.Ordinal), s_firing,
            "'rule \"Reloaded\" fired' line after the second reload", before);
        Assert.DoesNotContain(Diagnostics.Fired("Broken"), daemon.Stderr, StringComparison.Ordinal);

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));
    }
}
