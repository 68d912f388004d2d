using System.Diagnostics;
using System.Globalization;
using Tinyfence.Actions;
using Tinyfence.Interop;
using Tinyfence.Logging;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Actions;

public sealed class CommandRunnerTimeoutTests : IDisposable
{
    // For a command that must set a trap before its timeout: a SIGTERM that came first would end
    // the shell with the trap unset. Long enough for a shell to start on a loaded machine.
    private const double TrapSetTimeout = 2;

    private readonly CommandHarness _harness = new(killGrace: TimeSpan.FromMilliseconds(300));

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void CommandPastItsTimeoutGetsSigterm()
    {
        CommandResult result = _harness.Run("sleep 30", timeoutSeconds: 0.2);

        Assert.True(result.TimedOut);
        Assert.Equal(15, result.Signal);
        Assert.Equal("killed by signal 15 after timeout (0.2 s)", result.Describe());
        Assert.True(result.Duration >= TimeSpan.FromSeconds(0.2), $"killed after {result.Duration}, before the timeout");
        Assert.Equal((LogLevel.Warning, "t: command killed by SIGTERM after timeout of 0.2 s"), _harness.Sink.Lines[^1]);
    }

    [Fact]
    public void CommandIgnoringSigtermIsKilledAfterTheGraceWithItsWholeGroup()
    {
        // The background sleep ignores SIGTERM too and holds the output pipe: only SIGKILL to the
        // group ends it.
        CommandResult result = _harness.Run("trap '' TERM; sleep 1000 & echo $!; sleep 30", TrapSetTimeout);

        Assert.True(result.TimedOut);
        Assert.Equal(9, result.Signal);
        Assert.Equal("killed by signal 9 after timeout (2 s)", result.Describe());
        Assert.True(result.Duration >= TimeSpan.FromSeconds(TrapSetTimeout + 0.3), $"killed after {result.Duration}, before the timeout and the grace");
        int grandchild = int.Parse(result.FirstOutputLines[0], CultureInfo.InvariantCulture);
        // SIGKILL is final but not instant: the killed grandchild may still be on its way out.
        Assert.True(ProcFs.Dies(grandchild), "the background grandchild survived");
        Assert.True(ProcFs.IsDead(result.Pid));
        Assert.Equal((LogLevel.Warning, "t: command killed by SIGKILL after timeout of 2 s"), _harness.Sink.Lines[^1]);
    }

    [Fact]
    public void BackgroundChildHoldingTheOutputDoesNotKeepTheSupervisorPastTheDrainGrace()
    {
        var clock = Stopwatch.StartNew();
        CommandResult result = _harness.Run("sleep 1000 & echo $!; echo started");
        TimeSpan took = clock.Elapsed;

        int background = int.Parse(result.FirstOutputLines[0], CultureInfo.InvariantCulture);
        try
        {
            Assert.Equal(0, result.ExitCode);
            // Still running: the result did not wait for it, and it was left alone.
            Assert.False(ProcFs.IsDead(background), "the background child should be left alone");
            Assert.True(took >= TimeSpan.FromSeconds(0.2), $"the result came after {took}, before the drain grace");
            Assert.Contains(_harness.Sink.Lines, l => l.Text.StartsWith("t: output still open after the command exited", StringComparison.Ordinal));
        }
        finally
        {
            Libc.Kill(background, Libc.SIGKILL);
        }
    }

    [Fact]
    public void DetachedBackgroundChildDoesNotDelayTheResult()
    {
        CommandResult result = _harness.Run("sleep 1000 >/dev/null 2>&1 & echo $!");

        int background = int.Parse(result.FirstOutputLines[0], CultureInfo.InvariantCulture);
        try
        {
            // The result came while the child still runs, and without waiting out the drain grace
            // (which ends with that line).
            Assert.False(ProcFs.IsDead(background), "the background child should still run");
            Assert.DoesNotContain(_harness.Sink.Lines, l => l.Text.Contains("output still open", StringComparison.Ordinal));
        }
        finally
        {
            Libc.Kill(background, Libc.SIGKILL);
        }
    }

    [Fact]
    public void StopAllLetsShortCommandsFinishThenStopsTheRest()
    {
        Task<CommandResult> quick = _harness.Start(CommandHarness.Request("sleep 0.2; echo finished", 30)).Result;
        Task<CommandResult> slow = _harness.Start(CommandHarness.Request("sleep 30", 30)).Result;
        Task<CommandResult> stubborn = _harness.Start(CommandHarness.Request("trap '' TERM; sleep 30", 30)).Result;
        var clock = Stopwatch.StartNew();

        // Ample for the quick one to end first, even on a loaded machine; the test waits it out.
        bool allStopped = _harness.Runner.StopAll(TimeSpan.FromSeconds(3));

        TimeSpan took = clock.Elapsed;
        Assert.True(allStopped);
        Assert.Equal(0, _harness.Runner.RunningCount);
        Assert.True(took >= TimeSpan.FromSeconds(3), $"StopAll stopped the commands after {took}, before its wait");
        CommandResult quickResult = CommandHarness.Await(quick);
        Assert.True(quickResult.Succeeded);
        Assert.False(quickResult.Stopped);
        CommandResult slowResult = CommandHarness.Await(slow);
        Assert.Equal("killed by signal 15 on shutdown", slowResult.Describe());
        Assert.True(slowResult.Stopped);
        Assert.False(slowResult.TimedOut);
        Assert.Equal("killed by signal 9 on shutdown", CommandHarness.Await(stubborn).Describe());
    }

    [Fact]
    public void WaitForAllReportsCommandsStillRunning()
    {
        (RunningCommand command, Task<CommandResult> result) = _harness.Start(CommandHarness.Request("sleep 30", 30));

        Assert.False(_harness.Runner.WaitForAll(TimeSpan.FromMilliseconds(100)));
        command.Stop();
        Assert.True(_harness.Runner.WaitForAll(Patience.Short));
        Assert.True(CommandHarness.Await(result).Stopped);
    }

    [Fact]
    public void AStoppedCommandIsContinuedSoItsTermHandlerRuns()
    {
        // Without SIGCONT after SIGTERM a stopped shell keeps the SIGTERM pending until SIGKILL.
        using var harness = new CommandHarness(killGrace: TimeSpan.FromSeconds(5));
        CommandResult result = harness.Run("trap 'echo got TERM; exit 7' TERM; kill -STOP $$", TrapSetTimeout);
        Assert.Equal(7, result.ExitCode);
        Assert.Contains("got TERM", result.FirstOutputLines);
    }
}
