namespace Tinyfence.Config;

/// <summary>A rule as written: its condition, its actions, and what to do when it is over.</summary>
public sealed record Rule(string Name, SourceLocation Location, Condition Trigger)
{
    public Debounce TriggerDebounce { get; init; }

    public IReadOnlyList<RuleAction> Actions { get; init; } = [];

    public Recovery? Recovery { get; init; }

    /// <summary>The rule's own check interval; null takes <see cref="Settings.DefaultStep"/>.</summary>
    public TimeSpan? Step { get; init; }
}

/// <summary>
/// The <c>until</c> clause: once the rule has fired, its recovery actions run when
/// <see cref="Condition"/> holds (or, with no condition, when the trigger stops holding).
/// </summary>
public sealed record Recovery(SourceLocation Location, Condition? Condition)
{
    public Debounce Debounce { get; init; }

    public IReadOnlyList<RuleAction> Actions { get; init; } = [];
}
