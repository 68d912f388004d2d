namespace Tinyfence.Status;

/// <summary>The words of a rule's state, as the status and the metrics spell them.</summary>
public static class RuleStateNames
{
    /// <summary>Watching its condition, which does not hold.</summary>
    public const string Idle = "idle";

    /// <summary>The condition holds, for fewer checks or less time than the rule asks before it fires.</summary>
    public const string Holding = "holding";

    /// <summary>The last check fired the rule (until the next check).</summary>
    public const string Fired = "fired";

    /// <summary>Fired, with an 'until' clause: waiting for recovery.</summary>
    public const string Latched = "latched";

    /// <summary>Latched, and the recovery condition holds but not yet for long enough.</summary>
    public const string Recovering = "recovering";

    private static readonly string[] s_all = [Idle, Holding, Fired, Latched, Recovering];

    /// <summary>Every state, in the order the metrics list them (a span: walked without an enumerator).</summary>
    public static ReadOnlySpan<string> All => s_all;
}
