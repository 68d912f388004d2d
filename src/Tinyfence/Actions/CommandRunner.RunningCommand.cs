namespace Tinyfence.Actions;

/// <summary>A command the runner started (or tried to: then <see cref="Pid"/> is 0).</summary>
public sealed class RunningCommand
{
    private readonly CommandSupervisor? _supervisor;
    private volatile bool _hasExited;

    internal RunningCommand(int pid, DateTime startedUtc, string label, string command, CommandSupervisor? supervisor)
    {
        Pid = pid;
        StartedUtc = startedUtc;
        Label = label;
        Command = command;
        _supervisor = supervisor;
    }

    /// <summary>The shell's pid, which is also its process group id; 0 when the spawn failed.</summary>
    public int Pid { get; }

    public DateTime StartedUtc { get; }

    public string Label { get; }

    public string Command { get; }

    /// <summary>True once the exit callback has returned.</summary>
    public bool HasExited => _hasExited;

    /// <summary>
    /// Ends the command early, as a shutdown does: SIGTERM to its process group now, SIGKILL after
    /// the runner's kill grace. Returns at once; the exit callback reports it with <c>Stopped</c>.
    /// </summary>
    public void Stop() => _supervisor?.RequestStop();

    internal void MarkExited() => _hasExited = true;
}
