namespace Tinyfence.Rules;

public enum RulePhase
{
    /// <summary>Watching the trigger.</summary>
    Armed,

    /// <summary>The trigger fired and the rule has an 'until' clause: watching for recovery.</summary>
    Tripped,
}
