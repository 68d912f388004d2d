using System.Diagnostics;
using System.Globalization;
using Tinyfence.Actions;
using Tinyfence.Interop;
using Tinyfence.Logging;

namespace Tinyfence.Tests.Actions;

public sealed class CommandRunnerTimeoutTests : IDisposable
{
    private readonly CommandHarness _harness = new(killGrace: TimeSpan.FromMilliseconds(300));

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void CommandPastItsTimeoutGetsSigterm()
    {
        CommandResult result = _harness.Run("sleep 30", timeoutSeconds: 0.2);

        Assert.True(result.TimedOut);
        Assert.Equal(15, result.Signal);
        Assert.Equal("killed by signal 15 after timeout (0.2 s)", result.Describe());
        Assert.InRange(result.Duration, TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(2));
        Assert.Equal((LogLevel.Warning, "t: command killed by SIGTERM after timeout of 0.2 s"), _harness.Sink.Lines[^1]);
    }

    [Fact]
    public void CommandIgnoringSigtermIsKilledAfterTheGraceWithItsWholeGroup()
    {
        // The background sleep ignores SIGTERM too and holds the output pipe: only SIGKILL to the
        // group ends it.
        CommandResult result = _harness.Run("trap '' TERM; sleep 1000 & echo $!; sleep 30", timeoutSeconds: 0.2);

        Assert.True(result.TimedOut);
        Assert.Equal(9, result.Signal);
        Assert.Equal("killed by signal 9 after timeout (0.2 s)", result.Describe());
        Assert.InRange(result.Duration, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(3));
        int grandchild = int.Parse(result.FirstOutputLines[0], CultureInfo.InvariantCulture);
        // SIGKILL is final but not instant: the killed grandchild may still be on its way out.
        Assert.True(ProcFs.DiesWithin(grandchild, TimeSpan.FromSeconds(2)), "the background grandchild survived");
        Assert.True(ProcFs.IsDead(result.Pid));
        Assert.Equal((LogLevel.Warning, "t: command killed by SIGKILL after timeout of 0.2 s"), _harness.Sink.Lines[^1]);
    }

    [Fact]
    public void BackgroundChildHoldingTheOutputDoesNotKeepTheSupervisorPastTheDrainGrace()
    {
        var clock = Stopwatch.StartNew();
        CommandResult result = _harness.Run("sleep 20 & echo $!; echo started");
        TimeSpan took = clock.Elapsed;

        int background = int.Parse(result.FirstOutputLines[0], CultureInfo.InvariantCulture);
        try
        {
            Assert.Equal(0, result.ExitCode);
            Assert.False(ProcFs.IsDead(background), "the background child should be left alone");
            Assert.InRange(took, TimeSpan.FromSeconds(0.2), TimeSpan.FromSeconds(3));
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
        var clock = Stopwatch.StartNew();
        CommandResult result = _harness.Run("sleep 20 >/dev/null 2>&1 & echo $!");
        TimeSpan took = clock.Elapsed;

        Libc.Kill(int.Parse(result.FirstOutputLines[0], CultureInfo.InvariantCulture), Libc.SIGKILL);
        Assert.True(took < TimeSpan.FromSeconds(0.5), $"took {took}");
        Assert.DoesNotContain(_harness.Sink.Lines, l => l.Text.Contains("output still open", StringComparison.Ordinal));
    }

    [Fact]
    public void StopAllLetsShortCommandsFinishThenStopsTheRest()
    {
        Task<CommandResult> quick = _harness.Start(CommandHarness.Request("sleep 0.2; echo finished", 30)).Result;
        Task<CommandResult> slow = _harness.Start(CommandHarness.Request("sleep 30", 30)).Result;
        Task<CommandResult> stubborn = _harness.Start(CommandHarness.Request("trap '' TERM; sleep 30", 30)).Result;
        var clock = Stopwatch.StartNew();

        bool allStopped = _harness.Runner.StopAll(TimeSpan.FromSeconds(0.6));

        TimeSpan took = clock.Elapsed;
        Assert.True(allStopped);
        Assert.Equal(0, _harness.Runner.RunningCount);
        Assert.InRange(took, TimeSpan.FromSeconds(0.6), TimeSpan.FromSeconds(2.5));
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
        Assert.True(_harness.Runner.WaitForAll(TimeSpan.FromSeconds(5)));
        Assert.True(CommandHarness.Await(result).Stopped);
    }

    [Fact]
    public void AStoppedCommandIsContinuedSoItsTermHandlerRuns()
    {
        // Without SIGCONT after SIGTERM a stopped shell keeps the SIGTERM pending until SIGKILL.
        using var harness = new CommandHarness(killGrace: TimeSpan.FromSeconds(5));
        CommandResult result = harness.Run("trap 'echo got TERM; exit 7' TERM; kill -STOP $$", timeoutSeconds: 0.3);
        Assert.Equal(7, result.ExitCode);
        Assert.Contains("got TERM", result.FirstOutputLines);
    }
}
