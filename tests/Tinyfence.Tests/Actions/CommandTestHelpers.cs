using System.Globalization;
using Tinyfence.Actions;
using Tinyfence.Logging;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Actions;

/// <summary>Runs real commands through a runner that logs into memory.</summary>
internal sealed class CommandHarness : IDisposable
{
    // A hang guard, longer than a command's own default timeout so that one that hangs says so.
    private static readonly TimeSpan ResultWait = Patience.Long;

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

    /// <param name="timeoutSeconds">The command's timeout; by default a hang guard (<see cref="Patience.Short"/>).</param>
    public static CommandRequest Request(string command, double? timeoutSeconds = null, params (string Name, string Value)[] environment) =>
        new("t", command, timeoutSeconds is double seconds ? TimeSpan.FromSeconds(seconds) : Patience.Short,
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

    public CommandResult Run(string command, double? timeoutSeconds = null) => Run(Request(command, timeoutSeconds));

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

    /// <summary>Waits for the process to die; false if it still lives after the guard.</summary>
    public static bool Dies(int pid) => Patience.Until(() => IsDead(pid), intervalMs: 10);

    /// <summary>The state letter, read after the last ')' since a name can contain one.</summary>
    public static char State(string stat) => stat[stat.LastIndexOf(')') + 2];

    public static int ParentPid(string stat) =>
        int.Parse(stat[(stat.LastIndexOf(')') + 4)..].Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>Children of <paramref name="parent"/> that exited and were not reaped.</summary>
    public static List<int> ZombieChildren(int parent)
    {
        var zombies = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                if (State(stat) == 'Z' && ParentPid(stat) == parent)
                {
                    zombies.Add(pid);
                }
            }
            catch (IOException)
            {
                // Gone since the listing.
            }
        }

        return zombies;
    }
}
