using System.Globalization;
using Tinyfence.Actions;
using Tinyfence.Logging;

namespace Tinyfence.Tests.Actions;

/// <summary>Runs real commands through a runner that logs into memory.</summary>
internal sealed class CommandHarness : IDisposable
{
    // Generous: a command under test ends in well under a second; this only stops a broken test.
    private static readonly TimeSpan ResultWait = TimeSpan.FromSeconds(10);

    public CommandHarness(TimeSpan? killGrace = null, string shellPath = CommandRunner.DefaultShellPath)
    {
        Log = new Logger(Sink);
        Runner = new CommandRunner(Log, killGrace ?? TimeSpan.FromMilliseconds(300), shellPath)
        {
            OutputDrainGrace = TimeSpan.FromMilliseconds(200),
        };
    }

    public MemorySink Sink { get; } = new();

    public Logger Log { get; }

    public CommandRunner Runner { get; }

    public static CommandRequest Request(string command, double timeoutSeconds = 10, params (string Name, string Value)[] environment) =>
        new("t", command, TimeSpan.FromSeconds(timeoutSeconds),
            [.. environment.Select(e => new KeyValuePair<string, string>(e.Name, e.Value))]);

    public (RunningCommand Command, Task<CommandResult> Result) Start(CommandRequest request)
    {
        var done = new TaskCompletionSource<CommandResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        RunningCommand command = Runner.Start(request, done.SetResult);
        return (command, done.Task);
    }

    public CommandResult Run(CommandRequest request)
    {
        Task<CommandResult> result = Start(request).Result;
        Assert.True(result.Wait(ResultWait), "the command did not finish in time");
        return result.Result;
    }

    public CommandResult Run(string command, double timeoutSeconds = 10) => Run(Request(command, timeoutSeconds));

    public static CommandResult Await(Task<CommandResult> result)
    {
        Assert.True(result.Wait(ResultWait), "the command did not finish in time");
        return result.Result;
    }

    public void Dispose()
    {
        Runner.Dispose();
        Sink.Dispose();
    }
}

internal static class ProcFs
{
    /// <summary>The process is gone, or dead and waiting for someone (init) to reap it.</summary>
    public static bool IsDead(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        }
        catch (IOException)
        {
            return true;
        }

        return State(stat) is 'Z' or 'X';
    }

    public static bool DiesWithin(int pid, TimeSpan wait)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!IsDead(pid))
        {
            if (clock.Elapsed > wait)
            {
                return false;
            }

            Thread.Sleep(10);
        }

        return true;
    }

    /// <summary>The state letter, read after the last ')' since a name can contain one.</summary>
    public static char State(string stat) => stat[stat.LastIndexOf(')') + 2];

    public static int ParentPid(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 4)..].Split(' ')[0], CultureInfo.InvariantCulture);
}
