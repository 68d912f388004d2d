using System.Globalization;
using Tinyfence.Actions;
using Tinyfence.Logging;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Actions;

public sealed class CommandRunnerTests : IDisposable
{
    private readonly CommandHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void ExitStatusIsReportedAndLogged()
    {
        CommandResult result = _harness.Run("exit 3");

        Assert.Equal(3, result.ExitCode);
        Assert.Null(result.Signal);
        Assert.False(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.Equal("exit status 3", result.Describe());
        Assert.Contains(_harness.Sink.Lines, l => l.Level == LogLevel.Warning && l.Text.StartsWith("t: command exited with status 3 after ", StringComparison.Ordinal));
    }

    [Fact]
    public void SuccessLogsStartWithPidAndEndAsNotice()
    {
        CommandResult result = _harness.Run("true");

        Assert.True(result.Succeeded);
        Assert.Equal("exit status 0", result.Describe());
        Assert.Equal((LogLevel.Info, "t: started 'true' (pid " + result.Pid.ToString(CultureInfo.InvariantCulture) + ")"), _harness.Sink.Lines[0]);
        Assert.Matches(@"^t: command exited with status 0 after \d+\.\d s$", _harness.Sink.Lines[^1].Text);
        Assert.Equal(LogLevel.Notice, _harness.Sink.Lines[^1].Level);
    }

    [Fact]
    public void TerminatingSignalIsReported()
    {
        CommandResult result = _harness.Run("kill -USR1 $$; sleep 5");

        Assert.Null(result.ExitCode);
        Assert.Equal(10, result.Signal);
        Assert.False(result.TimedOut);
        Assert.Equal("killed by signal 10", result.Describe());
        Assert.StartsWith("t: command killed by SIGUSR1 after ", _harness.Sink.Lines[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void StartReturnsAtOnceAndCallbackRunsOnAnotherThread()
    {
        int callerThread = Environment.CurrentManagedThreadId;
        int callbackThread = -1;
        var done = new ManualResetEventSlim();

        RunningCommand command = _harness.Runner.Start(CommandHarness.Request("sleep 30"), _ =>
        {
            callbackThread = Environment.CurrentManagedThreadId;
            done.Set();
        });

        // Back while the command runs: Start did not wait for it.
        Assert.True(command.Pid > 0);
        Assert.Equal(1, _harness.Runner.RunningCount);
        Assert.False(command.HasExited);
        command.Stop();
        Assert.True(done.Wait(Patience.Short));
        Assert.NotEqual(callerThread, callbackThread);
        Assert.True(_harness.Runner.WaitForAll(Patience.Short));
        Assert.True(command.HasExited);
        Assert.Equal(0, _harness.Runner.RunningCount);
    }

    [Fact]
    public void OutputLinesReachTheLogInOrderAndTheFirstTwentyAreKept()
    {
        CommandResult result = _harness.Run("i=1; while [ $i -le 25 ]; do echo line$i; i=$((i+1)); done; echo err >&2; printf last");

        string[] expected = [.. Enumerable.Range(1, 25).Select(i => "line" + i.ToString(CultureInfo.InvariantCulture)), "err", "last"];
        string[] logged = [.. _harness.Sink.Lines.Skip(1).SkipLast(1).Select(l => l.Text)];
        Assert.Equal(expected.Select(e => "t: " + e), logged);
        Assert.All(_harness.Sink.Lines.Skip(1).SkipLast(1), l => Assert.Equal(LogLevel.Info, l.Level));
        Assert.Equal(expected.Take(20), result.FirstOutputLines);
        Assert.Equal(27, result.OutputLineCount);
    }

    [Fact]
    public void CommandWithoutOutputHasNoLines()
    {
        CommandResult result = _harness.Run("true");

        Assert.Empty(result.FirstOutputLines);
        Assert.Equal(0, result.OutputLineCount);
    }

    [Fact]
    public void ControlCharactersInOutputAreEscapedInTheLog()
    {
        CommandResult result = _harness.Run(@"printf 'red \033[31mtext\r\n'");

        Assert.Equal(@"red \x1B[31mtext", result.FirstOutputLines[0]);
        Assert.Contains(_harness.Sink.Lines, l => l.Text == @"t: red \x1B[31mtext");
    }

    [Fact]
    public void StdinIsDevNull()
    {
        // cat would wait forever on an inherited terminal or pipe.
        CommandResult result = _harness.Run("cat; echo done");

        Assert.False(result.TimedOut);
        Assert.Equal(["done"], result.FirstOutputLines);
    }

    [Fact]
    public void CallerEnvironmentReachesTheChildAndOverridesInheritedValues()
    {
        Environment.SetEnvironmentVariable("TINYFENCE_TEST_INHERITED", "from-daemon");
        Environment.SetEnvironmentVariable("TINYFENCE_TEST_OVERRIDDEN", "from-daemon");

        CommandResult result = _harness.Run(CommandHarness.Request(
            "echo \"$TINYFENCE_RULE|$TINYFENCE_TEST_INHERITED|$TINYFENCE_TEST_OVERRIDDEN\"; env | grep -c '^TINYFENCE_TEST_OVERRIDDEN='",
            10,
            ("TINYFENCE_RULE", "load high"),
            ("TINYFENCE_TEST_OVERRIDDEN", "from-rule")));

        Assert.Equal(["load high|from-daemon|from-rule", "1"], result.FirstOutputLines);
    }

    [Fact]
    public void ChildStartsWithEmptySignalMaskAndDefaultDispositions()
    {
        // Meaningful only because the runtime does ignore a signal (SIGPIPE) in this process.
        string own = File.ReadAllText("/proc/self/status");
        Assert.DoesNotContain("SigIgn:\t0000000000000000", own, StringComparison.Ordinal);

        CommandResult result = _harness.Run("grep -E '^(SigBlk|SigIgn)' /proc/self/status");

        Assert.Equal(["SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"], result.FirstOutputLines);
    }

    [Fact]
    public void CommandLeadsItsOwnProcessGroup()
    {
        CommandResult result = _harness.Run("cut -d' ' -f5 /proc/$$/stat");

        Assert.Equal(result.Pid.ToString(CultureInfo.InvariantCulture), result.FirstOutputLines[0].Trim());
    }

    [Fact]
    public void NoZombieIsLeftAfterCompletion()
    {
        CommandResult result = _harness.Run("echo hi");

        string path = "/proc/" + result.Pid.ToString(CultureInfo.InvariantCulture) + "/stat";
        if (File.Exists(path))
        {
            // The pid may already belong to someone else; it must not be our unreaped child.
            string stat = File.ReadAllText(path);
            Assert.False(ProcFs.State(stat) == 'Z' && ProcFs.ParentPid(stat) == Environment.ProcessId);
        }
    }

    [Fact]
    public void SpawnFailureIsReportedThroughTheCallbackNotThrown()
    {
        using var harness = new CommandHarness(shellPath: "/nonexistent/sh");

        (RunningCommand command, Task<CommandResult> pending) = harness.Start(CommandHarness.Request("true"));
        CommandResult result = CommandHarness.Await(pending);

        Assert.Equal(0, command.Pid);
        Assert.Equal("No such file or directory", result.SpawnError);
        Assert.Equal("spawn failed: No such file or directory", result.Describe());
        Assert.False(result.Succeeded);
        Assert.True(harness.Runner.WaitForAll(Patience.Short));
        Assert.Contains((LogLevel.Error, "t: spawn failed: No such file or directory"), harness.Sink.Lines);
    }

    [Fact]
    public void RequestThatExecCannotCarryIsASpawnFailure()
    {
        CommandResult result = _harness.Run(CommandHarness.Request("true", 10, ("BAD=NAME", "x")));

        Assert.Equal("spawn failed: invalid environment variable name 'BAD=NAME'", result.Describe());
    }

    [Fact]
    public void ExceptionFromTheCallbackIsLoggedAndTheRunnerGoesOn()
    {
        _harness.Runner.Start(CommandHarness.Request("true"), _ => throw new InvalidOperationException("boom"));

        Assert.True(_harness.Runner.WaitForAll(Patience.Short));
        Assert.Contains((LogLevel.Error, "t: handling the command's end failed: boom"), _harness.Sink.Lines);
        Assert.True(_harness.Run("true").Succeeded);
    }
}
