using Tinyfence.Actions;
using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Proc;
using Tinyfence.Rules.Sources;

namespace Tinyfence.Rules;

/// <summary>
/// Checks the rules that are due, on one thread: reads each needed source once, evaluates, moves
/// each rule's state, and acts. A check that fires nothing, or only logs, allocates nothing.
/// Time is a parameter (monotonic milliseconds), so tests drive steps and hysteresis exactly.
/// </summary>
public sealed partial class RuleEngine
{
    private readonly RuleSet _set;
    private readonly ProcReader _reader;
    private readonly Logger _log;
    private readonly CommandRunner _commands;
    private readonly Action? _onCommandExit;
    private readonly bool _dryRun;
    private readonly MailAlerts? _mail;
    private readonly RuleState[] _states;
    private readonly Readings _readings;
    private readonly bool[] _sampled;
    private readonly FiringLine _line = new();

    /// <param name="carried">States of a previous engine by rule name (a reload); rules found there keep theirs.</param>
    /// <param name="onCommandExit">Called on a command's supervisor thread when it ends, to wake the main loop.</param>
    /// <param name="dryRun">Log the commands and mails that would go out instead of running and sending them.</param>
    /// <param name="mail">Where mail actions go; null when the config has no mail section (then it has no mail action).</param>
    public RuleEngine(RuleSet set, ProcReader reader, Logger log, CommandRunner commands,
        IReadOnlyDictionary<string, RuleState>? carried = null, Action? onCommandExit = null, bool dryRun = false, MailAlerts? mail = null)
    {
        _dryRun = dryRun;
        _mail = mail;
        _set = set;
        _reader = reader;
        _log = log;
        _commands = commands;
        _onCommandExit = onCommandExit;
        _readings = new Readings(set.SlotCount);
        _sampled = new bool[set.Sources.Length];
        _states = new RuleState[set.Rules.Length];
        for (int i = 0; i < _states.Length; i++)
        {
            if (carried is not null && carried.TryGetValue(set.Rules[i].Name, out RuleState? kept))
            {
                // A reload that shortens the step takes effect from the last check, not after the old step.
                kept.NextDueMs = Math.Min(kept.NextDueMs, kept.LastCheckMs + set.Rules[i].StepMs);
                _states[i] = kept;
            }
            else
            {
                _states[i] = new RuleState();
            }
        }
    }

    public RuleSet RuleSet => _set;

    /// <summary>The states by rule name, to hand to the engine of a reloaded config.</summary>
    public IReadOnlyDictionary<string, RuleState> States
    {
        get
        {
            var states = new Dictionary<string, RuleState>(StringComparer.Ordinal);
            for (int i = 0; i < _states.Length; i++)
            {
                states[_set.Rules[i].Name] = _states[i];
            }

            return states;
        }
    }

    /// <summary>The state of <see cref="RuleSet.Rules"/>[<paramref name="index"/>] (the status report reads them after a tick).</summary>
    public RuleState StateAt(int index) => _states[index];

    /// <summary>The figures of the last checks: each slot holds what the last check that read it read.</summary>
    public Readings Readings => _readings;

    public RuleState StateOf(string ruleName) => _states[Array.FindIndex(_set.Rules, r => r.Name == ruleName)];

    public bool UsesCpu => _set.Cpu is not null;

    public bool AnyCommandRunning => Array.Exists(_states, s => s.CommandRunning);

    /// <summary>Checks every rule that is due at <paramref name="nowMs"/>.</summary>
    /// <returns>When the next rule is due (monotonic ms), or <see cref="long.MaxValue"/> if every rule waits for its command.</returns>
    public long Tick(long nowMs)
    {
        Array.Clear(_sampled);
        long nextDue = long.MaxValue;
        for (int i = 0; i < _states.Length; i++)
        {
            CompiledRule rule = _set.Rules[i];
            RuleState state = _states[i];
            if (state.CommandRunning)
            {
                continue;
            }

            if (state.TakeCommandFinished())
            {
                // sysfence slept one step after its command; a rule whose command just ended waits a step too.
                state.NextDueMs = nowMs + rule.StepMs;
            }

            if (nowMs >= state.NextDueMs)
            {
                state.NextDueMs = nowMs + rule.StepMs;
                state.LastCheckMs = nowMs;
                state.LastCheckUtc = DateTime.UtcNow;
                Check(rule, state, nowMs);
            }

            if (!state.CommandRunning)
            {
                nextDue = Math.Min(nextDue, state.NextDueMs);
            }
        }

        return nextDue;
    }

    private void Check(CompiledRule rule, RuleState state, long nowMs)
    {
        foreach (int source in rule.Sources)
        {
            if (!_sampled[source])
            {
                _sampled[source] = true;
                _set.Sources[source].Sample(_reader, _readings, _log);
            }
        }

        if (rule.UsesCpu)
        {
            _set.Cpu!.ComputeSince(ref state.PreviousCpu, ref state.HasPreviousCpu, _readings);
        }

        Truth trigger = rule.Trigger.Evaluate(_readings);
        bool triggerHolds = state.Trigger.Update(trigger, rule.Definition.TriggerDebounce, nowMs);
        if (!rule.HasRecovery)
        {
            CheckPlain(rule, state, trigger, triggerHolds);
        }
        else if (state.Phase == RulePhase.Armed)
        {
            if (triggerHolds)
            {
                state.Phase = RulePhase.Tripped;
                state.Recovery.Reset();
                Fire(rule, state, RuleEvent.Fire, includeOnce: true);
            }
        }
        else
        {
            CheckTripped(rule, state, trigger, triggerHolds, nowMs);
        }
    }

    // sysfence's own semantics: every check that holds runs the actions; 'once' actions run again
    // only after the condition was false.
    private void CheckPlain(CompiledRule rule, RuleState state, Truth trigger, bool triggerHolds)
    {
        if (triggerHolds)
        {
            Fire(rule, state, RuleEvent.Fire, includeOnce: !state.OnceDone);
            state.OnceDone = true;
        }
        else if (trigger == Truth.False)
        {
            state.OnceDone = false;
        }
    }

    // Tripped: the recovery clause is watched; while the trigger still holds, its repeating
    // (not 'once') actions go on as in sysfence.
    private void CheckTripped(CompiledRule rule, RuleState state, Truth trigger, bool triggerHolds, long nowMs)
    {
        Truth recovery = rule.Recovery is { } program ? program.Evaluate(_readings) : Not(trigger);
        if (state.Recovery.Update(recovery, rule.Definition.Recovery!.Debounce, nowMs))
        {
            state.Phase = RulePhase.Armed;
            state.Trigger.Reset();
            state.Recovery.Reset();
            Fire(rule, state, RuleEvent.Recover, includeOnce: true);
        }
        else if (triggerHolds)
        {
            Fire(rule, state, RuleEvent.Fire, includeOnce: false);
        }
    }

    private static Truth Not(Truth truth) => truth switch
    {
        Truth.True => Truth.False,
        Truth.False => Truth.True,
        _ => Truth.Unknown,
    };

    /// <summary>
    /// Takes the CPU counters every CPU rule measures its first interval from. Without it a rule's
    /// first check only takes them (its CPU figures are unknown once); --once calls this, waits,
    /// then checks.
    /// </summary>
    public void TakeCpuBaseline()
    {
        if (_set.Cpu is not { } cpu)
        {
            return;
        }

        cpu.Sample(_reader, _readings, _log);
        for (int i = 0; i < _states.Length; i++)
        {
            if (_set.Rules[i].UsesCpu && !_states[i].HasPreviousCpu)
            {
                cpu.ComputeSince(ref _states[i].PreviousCpu, ref _states[i].HasPreviousCpu, _readings);
            }
        }
    }
}
