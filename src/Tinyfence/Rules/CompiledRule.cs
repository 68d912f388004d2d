using System.Text;
using Tinyfence.Config;

namespace Tinyfence.Rules;

/// <summary>A rule ready to check: programs over reading slots, the sources it needs, its actions.</summary>
public sealed class CompiledRule
{
    public CompiledRule(Rule definition, ConditionProgram trigger, ConditionProgram? recovery, int[] sources,
        ReadingDisplay[] triggerReadings, ReadingDisplay[] recoveryReadings, bool usesCpu, TimeSpan step)
    {
        Definition = definition;
        Trigger = trigger;
        Recovery = recovery;
        Sources = sources;
        TriggerReadings = triggerReadings;
        RecoveryReadings = recoveryReadings;
        UsesCpu = usesCpu;
        StepMs = (long)step.TotalMilliseconds;
        NameUtf8 = Encoding.UTF8.GetBytes(definition.Name);
        TriggerActions = [.. definition.Actions];
        RecoveryActions = definition.Recovery is { } recoveryClause ? [.. recoveryClause.Actions] : [];
    }

    public Rule Definition { get; }

    public string Name => Definition.Name;

    public byte[] NameUtf8 { get; }

    public ConditionProgram Trigger { get; }

    /// <summary>The 'until' condition; null when the clause has none (recover when the trigger stops holding).</summary>
    public ConditionProgram? Recovery { get; }

    public bool HasRecovery => Definition.Recovery is not null;

    /// <summary>The actions as arrays: the tick walks them without an enumerator allocation.</summary>
    public RuleAction[] TriggerActions { get; }

    public RuleAction[] RecoveryActions { get; }

    /// <summary>Indexes into <see cref="RuleSet.Sources"/> of what a check of this rule reads.</summary>
    public int[] Sources { get; }

    public ReadingDisplay[] TriggerReadings { get; }

    public ReadingDisplay[] RecoveryReadings { get; }

    public bool UsesCpu { get; }

    public long StepMs { get; }
}
