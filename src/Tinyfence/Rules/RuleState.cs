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

    /// <summary>While the rule's own command runs the rule is not checked (sysfence semantics).</summary>
    public bool CommandRunning => _commandRunning;

    public CommandResult? LastCommand { get; private set; }

    internal void CommandStarted()
    {
        _commandFinished = false;
        _commandRunning = true;
    }

    /// <summary>Called on the command's supervisor thread.</summary>
    internal void CommandExited(CommandResult result)
    {
        LastCommand = result;
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
