namespace Tinyfence.Status;

/// <summary>One rule: its state, its history and the readings it was last checked against.</summary>
public sealed class RuleStatus(string name, ReadingStatus[] readings)
{
    public string Name { get; } = name;

    /// <summary>One of <see cref="RuleStateNames"/>: idle, holding, fired, latched, recovering.</summary>
    public string State { get; set; } = RuleStateNames.Idle;

    /// <summary>Consecutive checks the condition being watched (trigger, or recovery once latched) has held.</summary>
    public int HoldingChecks { get; set; }

    public long Fired { get; set; }

    public long Recovered { get; set; }

    public DateTime? LastCheck { get; set; }

    public DateTime? LastFired { get; set; }

    public DateTime? LastRecovered { get; set; }

    public CommandStatus Command { get; } = new();

    public ReadingStatus[] Readings { get; } = readings;
}
