using System.Text;
using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Proc;
using Tinyfence.Rules.Sources;

namespace Tinyfence.Rules;

/// <summary>
/// Turns a loaded config into a <see cref="RuleSet"/>: gives every distinct metric a reading slot,
/// creates one source per /proc file (shared by all rules that read it) and compiles each condition
/// to a postfix program.
/// </summary>
public sealed class RuleCompiler
{
    private readonly Logger _log;
    private readonly ITableFigures? _tables;
    private readonly List<MetricSource> _sources = [];
    private readonly Dictionary<string, int> _sourceByKey = new(StringComparer.Ordinal);
    private readonly ushort[] _ports;
    private int _nextSlot;
    private CpuSource? _cpu;
    private TcpSource? _tcp;

    private RuleCompiler(TinyfenceConfig config, Logger log, ITableFigures? tables)
    {
        _log = log;
        _tables = tables;
        var ports = new SortedSet<ushort>();
        foreach (Rule rule in config.Rules)
        {
            CollectPorts(rule.Trigger, ports);
            if (rule.Recovery?.Condition is { } recovery)
            {
                CollectPorts(recovery, ports);
            }
        }

        _ports = [.. ports];
    }

    /// <param name="tables">Where <c>blocked</c> and <c>scored</c> read; null: those figures are unavailable.</param>
    public static RuleSet Compile(TinyfenceConfig config, Logger log, ITableFigures? tables = null)
    {
        var compiler = new RuleCompiler(config, log, tables);
        var rules = new CompiledRule[config.Rules.Count];
        for (int i = 0; i < rules.Length; i++)
        {
            rules[i] = compiler.CompileRule(config.Rules[i], config.Settings.DefaultStep);
        }

        return new RuleSet(config.Settings, rules, [.. compiler._sources], compiler._cpu, compiler._nextSlot, config.Mail);
    }

    private CompiledRule CompileRule(Rule rule, TimeSpan defaultStep)
    {
        var sources = new SortedSet<int>();
        bool usesCpu = false;
        ConditionProgram trigger = CompileCondition(rule.Trigger, sources, ref usesCpu, out ReadingDisplay[] triggerReadings);
        ConditionProgram? recovery = null;
        ReadingDisplay[] recoveryReadings = triggerReadings;
        if (rule.Recovery?.Condition is { } condition)
        {
            recovery = CompileCondition(condition, sources, ref usesCpu, out recoveryReadings);
        }

        return new CompiledRule(rule, trigger, recovery, [.. sources], triggerReadings, recoveryReadings, usesCpu, rule.Step ?? defaultStep);
    }

    private ConditionProgram CompileCondition(Condition condition, SortedSet<int> sources, ref bool usesCpu, out ReadingDisplay[] readings)
    {
        var code = new List<ConditionProgram.Instruction>();
        var displays = new List<ReadingDisplay>();
        int maxDepth = 0;
        Emit(condition, code, displays, sources, ref usesCpu, depth: 1, ref maxDepth);
        readings = [.. displays];
        return new ConditionProgram([.. code], maxDepth, ConditionFormatter.Format(condition));
    }

    private void Emit(Condition condition, List<ConditionProgram.Instruction> code, List<ReadingDisplay> displays,
        SortedSet<int> sources, ref bool usesCpu, int depth, ref int maxDepth)
    {
        maxDepth = Math.Max(maxDepth, depth);
        switch (condition)
        {
            case ComparisonCondition comparison:
                int slot = SlotOf(comparison.Metric, comparison.Threshold.IsPercent, sources, ref usesCpu);
                code.Add(new ConditionProgram.Instruction(ConditionProgram.OpCode.Compare, slot, comparison.Op, comparison.Threshold.Value));
                if (!displays.Exists(d => d.Slot == slot))
                {
                    displays.Add(new ReadingDisplay(Encoding.UTF8.GetBytes(comparison.Metric.ToString()), slot, comparison.Metric.Unit, comparison.Threshold.IsPercent));
                }

                break;
            case NotCondition not:
                Emit(not.Operand, code, displays, sources, ref usesCpu, depth, ref maxDepth);
                code.Add(new ConditionProgram.Instruction(ConditionProgram.OpCode.Not));
                break;
            case AndCondition and:
                Emit(and.Left, code, displays, sources, ref usesCpu, depth, ref maxDepth);
                Emit(and.Right, code, displays, sources, ref usesCpu, depth + 1, ref maxDepth);
                code.Add(new ConditionProgram.Instruction(ConditionProgram.OpCode.And));
                break;
            case OrCondition or:
                Emit(or.Left, code, displays, sources, ref usesCpu, depth, ref maxDepth);
                Emit(or.Right, code, displays, sources, ref usesCpu, depth + 1, ref maxDepth);
                code.Add(new ConditionProgram.Instruction(ConditionProgram.OpCode.Or));
                break;
        }
    }

    private int SlotOf(Metric metric, bool percent, SortedSet<int> sources, ref bool usesCpu)
    {
        switch (metric.Kind)
        {
            case MetricKind.Load1 or MetricKind.Load5 or MetricKind.Load15:
                MetricSource load = Source(sources, "load", first => new LoadSource(first), 3);
                return load.FirstSlot + (metric.Kind - MetricKind.Load1);

            case MetricKind.MemFree or MetricKind.MemUsed or MetricKind.MemAvail or MetricKind.SwapFree or MetricKind.SwapUsed:
                MetricSource memory = Source(sources, "memory", first => new MemorySource(first, _log), MemorySource.SlotsPerSource);
                int offset = metric.Kind switch
                {
                    MetricKind.MemFree => MemorySource.MemFree,
                    MetricKind.MemUsed => MemorySource.MemUsed,
                    MetricKind.MemAvail => MemorySource.MemAvail,
                    MetricKind.SwapFree => MemorySource.SwapFree,
                    _ => MemorySource.SwapUsed,
                };
                return memory.FirstSlot + offset + (percent ? MemorySource.Percent : 0);

            case MetricKind.SpaceFree or MetricKind.SpaceAvail or MetricKind.SpaceUsed:
                MetricSource space = Source(sources, "space:" + metric.Path, first => new SpaceSource(first, metric.Path!), SpaceSource.SlotsPerSource);
                int spaceOffset = metric.Kind switch
                {
                    MetricKind.SpaceFree => SpaceSource.Free,
                    MetricKind.SpaceAvail => SpaceSource.Avail,
                    _ => SpaceSource.Used,
                };
                return space.FirstSlot + spaceOffset + (percent ? SpaceSource.Percent : 0);

            case MetricKind.CpuBusy or MetricKind.CpuIoWait:
                usesCpu = true;
                _cpu ??= (CpuSource)Source(sources, "cpu", first => new CpuSource(first), 2);
                sources.Add(_sourceByKey["cpu"]);
                return _cpu.FirstSlot + (metric.Kind == MetricKind.CpuBusy ? CpuSource.Busy : CpuSource.IoWait);

            case MetricKind.Pressure:
                MetricSource pressure = Source(sources, "pressure:" + metric.PressureResource, first => new PressureSource(first, metric.PressureResource), 6);
                return pressure.FirstSlot + ((int)metric.PressureKind * 3) + (int)metric.PressureWindow;

            case MetricKind.Processes:
                string description = $"/proc/[pid] scan for {metric}";
                uint[] uids = [.. metric.Users.Select(u => u.Uid)];
                MetricSource processes = Source(sources, "nproc:" + metric, first => new ProcessCountSource(first, new ProcessFilter(uids, metric.States), description), 1);
                return processes.FirstSlot;

            case MetricKind.TableBlocked or MetricKind.TableScored:
                MetricSource table = Source(sources, "table:" + metric.Path, first => new TableSource(first, metric.Path!, _tables), TableSource.SlotsPerSource);
                return table.FirstSlot + (metric.Kind == MetricKind.TableBlocked ? TableSource.Blocked : TableSource.Scored);

            default:
                _tcp ??= (TcpSource)Source(sources, "tcp", first => new TcpSource(first, _ports), _ports.Length);
                sources.Add(_sourceByKey["tcp"]);
                return _tcp.FirstSlot + Array.IndexOf(_ports, metric.Port);
        }
    }

    private MetricSource Source(SortedSet<int> usedBy, string key, Func<int, MetricSource> create, int slotCount)
    {
        if (!_sourceByKey.TryGetValue(key, out int index))
        {
            index = _sources.Count;
            _sources.Add(create(_nextSlot));
            _nextSlot += slotCount;
            _sourceByKey.Add(key, index);
        }

        usedBy.Add(index);
        return _sources[index];
    }

    private static void CollectPorts(Condition condition, SortedSet<ushort> ports)
    {
        foreach (ComparisonCondition comparison in condition.Comparisons())
        {
            if (comparison.Metric.Kind == MetricKind.TcpEstablished)
            {
                ports.Add(comparison.Metric.Port);
            }
        }
    }
}
