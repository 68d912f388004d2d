using Tinyfence.Config;
using Tinyfence.Rules.Sources;

namespace Tinyfence.Rules;

/// <summary>A config compiled for checking: its rules, the sources they read, and the reading slots.</summary>
public sealed class RuleSet(Settings settings, CompiledRule[] rules, MetricSource[] sources, CpuSource? cpu, int slotCount, MailSection? mail) : IDisposable
{
    public Settings Settings { get; } = settings;

    public MailSection? Mail { get; } = mail;

    public CompiledRule[] Rules { get; } = rules;

    public MetricSource[] Sources { get; } = sources;

    public CpuSource? Cpu { get; } = cpu;

    public int SlotCount { get; } = slotCount;

    /// <summary>Ends the sources' own threads (statvfs): a reload replaces the rule set.</summary>
    public void Dispose()
    {
        foreach (MetricSource source in Sources)
        {
            (source as IDisposable)?.Dispose();
        }
    }
}
