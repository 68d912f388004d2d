using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tinyfence.Actions;
using Tinyfence.Alerts;
using Tinyfence.Config;
using Tinyfence.Protocol;
using Tinyfence.Rules;
using Tinyfence.Scoring;
using Tinyfence.Table;

namespace Tinyfence.Status;

/// <summary>
/// The status the daemon keeps: its main loop refreshes the report after every turn (rules
/// checked, tables swept), and STATUS, METRICS, the metrics file and the HTTP endpoint write it
/// out from other threads. One lock keeps a reader from seeing half a refresh. Refreshing and
/// writing allocate nothing; <see cref="Configure"/> (start and reload) does.
/// </summary>
internal sealed class StatusBoard : IStatusSource, IDisposable
{
    private readonly Lock _lock = new();
    private readonly StatusReport _report = new();
    private readonly long _startedMs = Environment.TickCount64;
    private readonly Utf8JsonWriter _json = new(Stream.Null, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    private readonly ProcessFigures _process = new();
    private RuleSet? _rules;
    private int[][] _ruleSlots = [];
    private ReadingStatus[] _readings = [];
    private int[] _readingSlots = [];
    private ScoreService? _scores;
    private ReadingHistory _history = new(0);

    public StatusBoard()
    {
        _report.Pid = Environment.ProcessId;
        _report.Since = DateTime.UtcNow;
    }

    /// <summary>The report as the last refresh left it; read it under <see cref="Read"/> only.</summary>
    internal StatusReport Report => _report;

    /// <summary>Every distinct reading of the rules (the metrics list each once).</summary>
    internal ReadOnlySpan<ReadingStatus> Readings => _readings;

    /// <summary>The readings of the last hour, for the status page's sparklines; under <see cref="Read"/> only.</summary>
    internal ReadingHistory History => _history;

    /// <summary>The tables, for the status page's top addresses; under <see cref="Read"/> only.</summary>
    internal ScoreService? Scores => _scores;

    /// <summary>Holds the lock while a writer reads the report: <c>using (board.Read()) { ... }</c>.</summary>
    internal Lock.Scope Read() => _lock.EnterScope();

    /// <summary>Takes the shape of a new rule set and tables: at start and after every reload.</summary>
    /// <param name="files">The config files read (empty: the built-in config).</param>
    public void Configure(RuleSet rules, IReadOnlyList<string> files, ScoreService? scores)
    {
        DateTime loaded = DateTime.UtcNow;
        var all = new List<ReadingStatus>();
        var allSlots = new List<int>();
        var ruleSlots = new int[rules.Rules.Length][];
        var ruleStatus = new RuleStatus[rules.Rules.Length];
        for (int i = 0; i < rules.Rules.Length; i++)
        {
            CompiledRule rule = rules.Rules[i];
            ReadingDisplay[] displays = [.. rule.TriggerReadings.Concat(rule.RecoveryReadings).DistinctBy(d => d.Slot)];
            ruleSlots[i] = [.. displays.Select(d => d.Slot)];
            ruleStatus[i] = new RuleStatus(rule.Name, [.. displays.Select(NewReading)]);
            foreach (ReadingDisplay display in displays.Where(d => !allSlots.Contains(d.Slot)))
            {
                allSlots.Add(display.Slot);
                all.Add(NewReading(display));
            }
        }

        TableStatus[] tables = scores is null ? [] : [.. scores.Hosted.Select(t => new TableStatus(t.Section.Name))];
        ConfigFileStatus[] configFiles = files.Count == 0
            ? [new ConfigFileStatus("(built-in)", loaded)]
            : [.. files.Select(f => new ConfigFileStatus(f, loaded))];
        lock (_lock)
        {
            _rules = rules;
            _ruleSlots = ruleSlots;
            _readings = [.. all];
            _readingSlots = [.. allSlots];
            _history = new ReadingHistory(all.Count);
            _scores = scores;
            _report.Rules = ruleStatus;
            _report.Tables = tables;
            _report.ConfigFiles = configFiles;
        }
    }

    /// <summary>Copies the figures of the rules, tables and mail queue into the report. The main loop's thread, after each turn.</summary>
    public void Refresh(RuleEngine engine, MailQueue? mail, bool paused)
    {
        lock (_lock)
        {
            _report.UptimeSeconds = (Environment.TickCount64 - _startedMs) / 1000;
            _report.Paused = paused;
            Readings readings = engine.Readings;
            RuleStatus[] rules = _report.Rules;
            for (int i = 0; i < rules.Length && engine.RuleSet == _rules; i++)
            {
                RefreshRule(rules[i], _rules.Rules[i], engine.StateAt(i), _ruleSlots[i], readings);
            }

            for (int i = 0; i < _readings.Length && engine.RuleSet == _rules; i++)
            {
                Copy(_readings[i], _readingSlots[i], readings);
            }

            _history.Sample(_readings, Environment.TickCount64);
            RefreshTables();
            if (mail is not null)
            {
                MailStatus status = _report.Mail ??= new MailStatus();
                status.Queued = mail.Pending;
                status.Sent = mail.Sent;
                status.Failed = mail.Failed;
                status.Dropped = mail.Dropped;
                status.LastError = mail.LastError;
            }
        }
    }

    public void WriteJson(IBufferWriter<byte> output)
    {
        lock (_lock)
        {
            _json.Reset(output);
            StatusJson.Write(_json, _report);
            _json.Flush();
        }
    }

    public void WriteMetrics(IBufferWriter<byte> output)
    {
        lock (_lock)
        {
            MetricsWriter.Write(new PrometheusText(output), this, _scores, _process);
        }
    }

    public void Dispose()
    {
        _json.Dispose();
        _process.Dispose();
    }

    private static ReadingStatus NewReading(ReadingDisplay display) =>
        new(System.Text.Encoding.UTF8.GetString(display.Name), ReadingUnits.Of(display.Unit, display.IsPercent));

    private static void Copy(ReadingStatus reading, int slot, Readings readings) =>
        reading.Value = readings.Available[slot] ? readings.Values[slot] : null;

    private static void RefreshRule(RuleStatus status, CompiledRule rule, RuleState state, int[] slots, Readings readings)
    {
        bool latched = state.Phase == RulePhase.Tripped;
        DebounceCounter watched = latched ? state.Recovery : state.Trigger;
        Debounce needed = latched ? rule.Definition.Recovery!.Debounce : rule.Definition.TriggerDebounce;
        int streak = watched.Streak;
        bool heldLongEnough = streak >= needed.Checks && state.LastCheckMs - watched.SinceMs >= (long)needed.Duration.TotalMilliseconds;
        status.State = state.LastCheckUtc is not null && state.LastFiredUtc == state.LastCheckUtc ? RuleStateNames.Fired
            : latched ? (streak > 0 ? RuleStateNames.Recovering : RuleStateNames.Latched)
            : streak == 0 ? RuleStateNames.Idle
            : heldLongEnough ? RuleStateNames.Fired
            : RuleStateNames.Holding;
        status.HoldingChecks = streak;
        status.Fired = state.FiredCount;
        status.Recovered = state.RecoveredCount;
        status.LastCheck = state.LastCheckUtc;
        status.LastFired = state.LastFiredUtc;
        status.LastRecovered = state.LastRecoveredUtc;

        CommandStatus command = status.Command;
        command.Running = state.CommandRunning;
        command.Pid = state.CommandRunning ? state.CommandPid : null;
        command.Runs = state.CommandRuns;
        command.Failures = state.CommandFailures;
        if (state.LastCommand is CommandResult last)
        {
            command.LastExitStatus = last.ExitCode;
            command.LastSignal = last.Signal;
            command.LastTimedOut = last.TimedOut;
            command.LastDurationSeconds = last.Duration.TotalSeconds;
        }

        for (int i = 0; i < slots.Length; i++)
        {
            Copy(status.Readings[i], slots[i], readings);
        }
    }

    private void RefreshTables()
    {
        if (_scores is null)
        {
            return;
        }

        IReadOnlyList<HostedTable> hosted = _scores.Hosted;
        TableStatus[] tables = _report.Tables;
        for (int i = 0; i < tables.Length && i < hosted.Count; i++)
        {
            TableStats stats = hosted[i].Table.Stats;
            TableStatus table = tables[i];
            table.Entries = stats.Entries;
            table.Capacity = stats.Capacity;
            table.Blocked = stats.Blocked;
            table.Evictions = (long)stats.Evictions;
            table.Hits = _scores.Requests.HitsOf(table.Name);
            table.LastSnapshot = hosted[i].LastSnapshotUtc;
        }
    }
}
