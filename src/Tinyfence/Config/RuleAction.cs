namespace Tinyfence.Config;

public enum ActionKind
{
    /// <summary>Run a command through /bin/sh -c.</summary>
    Run,

    /// <summary>Log the firing and its readings.</summary>
    Log,
}

/// <summary>One action of a rule or of its recovery clause.</summary>
/// <param name="Once">Run only on the check where the condition starts to hold, not on every check while it holds.</param>
public sealed record RuleAction(ActionKind Kind, bool Once, string? Command, SourceLocation Location);
