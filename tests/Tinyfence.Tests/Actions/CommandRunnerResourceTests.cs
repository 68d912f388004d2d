using System.Diagnostics;
using Tinyfence.Logging;
using Tinyfence.Actions;

namespace Tinyfence.Tests.Actions;

/// <summary>Measures the whole process (CPU time, allocated bytes), so it runs alone: no other test adds to the figures.</summary>
[Collection(SerialTests.Name)]
public sealed class CommandRunnerResourceTests
{
    [Fact]
    public void FloodOfOutputCompletesInFixedMemory()
    {
        using var harness = new CommandHarness();
        harness.Runner.MaxLoggedLinesPerCommand = 100;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        CommandResult result = harness.Run("yes | head -c 50000000");

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(25_000_000, result.OutputLineCount);
        Assert.Equal(Enumerable.Repeat("y", 20), result.FirstOutputLines);
        // 50 MB went through; a copy per line would be over 600 MB of garbage.
        Assert.True(allocated < 16 * 1024 * 1024, $"allocated {allocated} bytes");
        Assert.Equal(100, harness.Sink.Lines.Count(l => l.Text == "t: y"));
        Assert.Contains((LogLevel.Info, "t: output goes on; not logging more than 100 lines of it"), harness.Sink.Lines);
        Assert.Contains((LogLevel.Info, "t: 24999900 more output lines not logged"), harness.Sink.Lines);
    }

    [Fact]
    public void WaitingOutTheKillGraceDoesNotSpinACore()
    {
        // The shell dies at SIGTERM but a member of its group ignores it: the supervisor waits for
        // the kill grace. It must sleep meanwhile, not poll with a zero timeout.
        using var harness = new CommandHarness(killGrace: TimeSpan.FromSeconds(2));
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        CommandResult result = harness.Run("(trap '' TERM; exec sleep 1000) > /dev/null & sleep 30", timeoutSeconds: 0.2);
        TimeSpan cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Assert.True(result.TimedOut);
        Assert.True(cpuUsed < TimeSpan.FromSeconds(1), $"the wait used {cpuUsed.TotalMilliseconds:0} ms of CPU over about 2 s");
    }
}
