namespace Tinyfence.Config;

/// <summary>One action of a rule or of its recovery clause.</summary>
/// <param name="Once">Run only on the check where the condition starts to hold, not on every check while it holds.</param>
public sealed record RuleAction(ActionKind Kind, bool Once, string? Command, SourceLocation Location)
{
    /// <summary>For <see cref="ActionKind.Mail"/>: the rule's own recipients; empty takes the mail section's.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];
}
