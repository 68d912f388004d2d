namespace Tinyfence.Rules;

public enum RuleEvent
{
    /// <summary>The trigger holds.</summary>
    Fire,

    /// <summary>The 'until' clause holds after the rule fired.</summary>
    Recover,
}
