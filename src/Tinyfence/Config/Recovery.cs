namespace Tinyfence.Config;

/// <summary>
/// The <c>until</c> clause: once the rule has fired, its recovery actions run when
/// <see cref="Condition"/> holds (or, with no condition, when the trigger stops holding).
/// </summary>
public sealed record Recovery(SourceLocation Location, Condition? Condition)
{
    public Debounce Debounce { get; init; }

    public IReadOnlyList<RuleAction> Actions { get; init; } = [];
}
