using Tinyfence.Actions;
using Tinyfence.Proc;

namespace Tinyfence.Rules;

/// <summary>
/// What a rule remembers between checks. Kept by rule name across a reload, so a latched
/// "apache stopped" is still latched under the new config.
/// </summary>
public sealed class RuleState
{
    private volatile bool _commandRunning;
    private volatile bool _commandFinished;
    private long _commandRuns;
    private long _commandFailures;

    public RulePhase Phase { get; set; }

    /// <summary>A 'once' action ran and the condition has not been false since (sysfence's once).</summary>
    public bool OnceDone { get; set; }

    public DebounceCounter Trigger;

    public DebounceCounter Recovery;

    public long NextDueMs { get; set; }

    public long LastCheckMs { get; set; }

    public CpuTimes PreviousCpu;

    public bool HasPreviousCpu;

    public long FiredCount { get; set; }

    public long RecoveredCount { get; set; }

    /// <summary>Wall-clock times for the status report (the engine's own clock is monotonic).</summary>
    public DateTime? LastCheckUtc { get; set; }

    /// <summary>The <see cref="LastCheckUtc"/> of the check that last fired: equal to it, the rule fired at its last check.</summary>
    public DateTime? LastFiredUtc { get; set; }

    public DateTime? LastRecoveredUtc { get; set; }

    /// <summary>The running command's shell, for the status report; 0 before the first command.</summary>
    public int CommandPid { get; set; }

    /// <summary>While the rule's own command runs the rule is not checked (sysfence semantics).</summary>
    public bool CommandRunning => _commandRunning;

    public CommandResult? LastCommand { get; private set; }

    /// <summary>Commands this rule has run (ended), and those that did not exit with status 0.</summary>
    public long CommandRuns => Interlocked.Read(ref _commandRuns);

    public long CommandFailures => Interlocked.Read(ref _commandFailures);

    internal void CommandStarted()
    {
        _commandFinished = false;
        _commandRunning = true;
    }

    /// <summary>Called on the command's supervisor thread.</summary>
    internal void CommandExited(CommandResult result)
    {
        LastCommand = result;
        Interlocked.Increment(ref _commandRuns);
        if (!result.Succeeded)
        {
            Interlocked.Increment(ref _commandFailures);
        }

        _commandFinished = true;
        _commandRunning = false;
    }

    /// <summary>True once after a command finished: the rule waits one step from then, as sysfence did.</summary>
    internal bool TakeCommandFinished()
    {
        if (!_commandFinished)
        {
            return false;
        }

        _commandFinished = false;
        return true;
    }
}
