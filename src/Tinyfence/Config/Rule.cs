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
