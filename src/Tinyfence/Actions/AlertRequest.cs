namespace Tinyfence.Actions;

/// <summary>What a mail action reports: the firing, and the command that ran with it, if any.</summary>
/// <param name="Event">"fired" or "recovered".</param>
/// <param name="Readings">The figures the condition was checked against: <c>la1=12.50 la5=7.20</c>.</param>
public sealed record AlertRequest(string Rule, string RuleLocation, string Event, string Condition, string Readings, DateTimeOffset When)
{
    /// <summary>The rule's own recipients; empty takes the mail section's.</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>The command of the same firing, once it has ended.</summary>
    public CommandResult? Command { get; init; }

    /// <summary>The system snapshot started when the rule fired; null takes one when the mail is composed.</summary>
    public Task<string>? Snapshot { get; init; }
}
