using Tinyfence.Alerts;
using Tinyfence.Actions;
using Tinyfence.Config;
using Tinyfence.Hosting.Systemd;
using Tinyfence.Http;
using Tinyfence.Logging;
using Tinyfence.Proc;
using Tinyfence.Rules;
using Tinyfence.Scoring;
using Tinyfence.Status;

namespace Tinyfence.Hosting;

/// <summary>
/// The foreground daemon: loads the config, checks rules when they are due, reloads on SIGHUP
/// keeping each rule's state, and on SIGTERM/SIGINT lets running commands finish (or time out)
/// before it exits. Under systemd it says so as it goes (<see cref="ServiceNotifier"/>).
/// </summary>
public sealed class Daemon : IDisposable
{
    private readonly ConfigSource _source;
    private readonly Logger _log;
    private readonly bool _forceSyslog;
    private readonly bool _dryRun;
    private readonly bool _testClock;
    private readonly ProcReader _reader;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly StatusBoard _status = new();
    private MetricsFile? _metricsFile;
    private readonly HttpHost _http;
    private SignalListener? _signals;
    private CommandRunner? _commands;
    private MailAlerts? _mail;
    private RuleEngine? _engine;
    private ScoreService? _scores;
    private ServiceNotifier? _notifier;
    private bool _paused;
    private ReloadOutcome _lastReload;

    public Daemon(ConfigSource source, string procRoot, Logger log, bool forceSyslog, bool dryRun, bool testClock = false)
    {
        _testClock = testClock;
        _dryRun = dryRun;
        _source = source;
        _log = log;
        _forceSyslog = forceSyslog;
        _reader = new ProcReader(procRoot);
        _http = new HttpHost(_status, log);
    }

    /// <summary>Loads the config and builds the engine; false (with the errors logged) if it cannot start.</summary>
    /// <param name="handleSignals">Take over SIGHUP, SIGTERM and SIGINT from here on (not for --once).</param>
    public bool Start(bool handleSignals)
    {
        if (handleSignals)
        {
            // Before anything slow: a SIGTERM during start-up must stop the daemon cleanly too.
            _signals = new SignalListener(_wake);

            // Before any command can start: they must not inherit NOTIFY_SOCKET.
            _notifier = ServiceNotifier.FromEnvironment(_log);
        }

        TinyfenceConfig? config = LoadConfig("start");
        if (config is null)
        {
            _notifier?.NotStarted("errors in the config (see the log)");
            return false;
        }

        LogSetup.Apply(_log, config.Settings, _forceSyslog);

        // The tables are served by the daemon only: one check (--once) leaves them alone. A
        // server section alone serves STATUS and METRICS.
        if (handleSignals && (config.Tables.Count > 0 || config.Server is not null))
        {
            _scores = new ScoreService(_log, _testClock, _status);
            if (!_scores.Apply(config))
            {
                _notifier?.NotStarted("the score tables could not be set up (see the log)");
                return false;
            }
        }

        // The HTTP endpoint is the daemon's too; one that cannot listen is logged and left out.
        if (handleSignals)
        {
            _http.Apply(config.Server);
        }

        RuleSet set = RuleCompiler.Compile(config, _log, _scores);

        _commands = new CommandRunner(_log, set.Settings.KillGrace);
        _engine = new RuleEngine(set, _reader, _log, _commands, carried: null, _wake.Set, _dryRun, UpdateMail(set.Mail));
        UpdateStatus(set);
        _log.Notice($"tinyfence {VersionInfo.Version} started: {set.Rules.Length} rules from {_source.Describe()}, reading {_reader.Root}");
        return true;
    }

    /// <summary>Checks every rule once, waits for the commands that started, and returns (--once).</summary>
    public void RunOnce()
    {
        RuleEngine engine = _engine!;
        if (engine.UsesCpu)
        {
            // CPU percentages are measured over an interval: give the one check a second.
            engine.TakeCpuBaseline();
            Thread.Sleep(1000);
        }

        engine.Tick(Environment.TickCount64);
        WaitForCommands(engine.RuleSet.Settings);
        FlushMail();
    }

    /// <summary>The main loop, until SIGTERM or SIGINT.</summary>
    public void Run()
    {
        SignalListener signals = _signals ?? throw new InvalidOperationException("Start(handleSignals: true) first");

        // Start has the rules, the tables and their socket up: systemd may start what comes after us.
        _notifier?.Ready(CurrentStatus(), Environment.TickCount64);
        while (true)
        {
            // Reset before reading the flags: a signal that lands after the reset sets the event
            // again, so the wait below returns at once instead of sleeping through it.
            _wake.Reset();
            if (signals.StopRequested)
            {
                break;
            }

            if (signals.TakeReloadRequest())
            {
                Reload();
            }

            if (signals.Paused != _paused)
            {
                _paused = signals.Paused;
                _log.Notice(_paused ? "SIGUSR1: paused, no rule is checked until SIGUSR2" : "SIGUSR2: resumed");
            }

            long now = Environment.TickCount64;
            long nextDue = _paused ? long.MaxValue : _engine!.Tick(now);
            nextDue = Math.Min(nextDue, _scores?.Upkeep(now) ?? long.MaxValue);
            _status.Refresh(_engine!, _mail?.Queue, _paused);
            nextDue = Math.Min(nextDue, _metricsFile?.WriteIfDue(now) ?? long.MaxValue);

            // Last, after the sweep that counts blocked addresses. The watchdog is fed by the loop
            // itself, not by a timer thread, on purpose: a loop that stops turning stops feeding it.
            if (_notifier is { } notifier)
            {
                nextDue = Math.Min(nextDue, notifier.Tick(CurrentStatus(), now));
            }

            int waitMs = nextDue == long.MaxValue ? Timeout.Infinite : (int)Math.Clamp(nextDue - now, 0, int.MaxValue);
            _wake.Wait(waitMs);
        }

        int running = _commands!.RunningCount;
        _notifier?.Stopping(running);
        _log.Notice(running == 0 ? "stopping" : $"stopping: waiting for {running} running command(s) to finish or time out (a second SIGTERM stops them now)");
        _http.Dispose();
        _scores?.Stop();
        WaitForCommands(_engine!.RuleSet.Settings, signals);
        FlushMail();
        _log.Notice("stopped");
    }

    public void Dispose()
    {
        _engine?.RuleSet.Dispose();
        _http.Dispose();
        _scores?.Dispose();
        _signals?.Dispose();
        _commands?.Dispose();
        _mail?.Queue.Dispose();
        _status.Dispose();
        _reader.Dispose();
        _notifier?.Dispose();
        _wake.Dispose();
    }

    // The mail queue, once made, lives as long as the daemon: a reload only changes its settings,
    // and one that removes the mail section leaves it delivering what is queued and what the
    // commands still running will send. The engine gets it only while the config has the section.
    private MailAlerts? UpdateMail(MailSection? section)
    {
        if (section is null)
        {
            return null;
        }

        MailSettings settings = MailSetup.ToSettings(section);
        if (_mail is null)
        {
            _mail = new MailAlerts(new MailQueue(settings, _log), _reader.Root, _log);
        }
        else
        {
            _mail.Queue.Settings = settings;
        }

        return _mail;
    }

    // The status takes the new shape; the metrics file is rewritten at once when its path or
    // interval changed, and left where it is when the setting goes.
    private void UpdateStatus(RuleSet set)
    {
        _status.Configure(set, _source.Files, _scores);
        Settings settings = set.Settings;
        if (settings.MetricsFile is null)
        {
            _metricsFile = null;
        }
        else if (_metricsFile is null || _metricsFile.Path != settings.MetricsFile || _metricsFile.Every != settings.MetricsEvery)
        {
            _metricsFile = new MetricsFile(settings.MetricsFile, settings.MetricsEvery, _status, _log);
        }
    }

    private void FlushMail()
    {
        if (_mail is { } mail && !mail.Flush(mail.Queue.Settings.FlushTimeout))
        {
            _log.Warning($"mail: {mail.Queue.Pending + mail.Composing} message(s) not delivered at shutdown");
        }
    }

    private void WaitForCommands(Settings settings, SignalListener? signals = null)
    {
        // A command gets its timeout, then the kill grace, then a second for the kernel to reap it.
        TimeSpan limit = settings.CommandTimeout + settings.KillGrace + TimeSpan.FromSeconds(1);
        long deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (!_commands!.WaitForAll(TimeSpan.FromMilliseconds(200)))
        {
            // Stopping can take a command's timeout: a systemd that still watches must not kill us meanwhile.
            _notifier?.Watchdog(Environment.TickCount64);
            if (signals is { StopNowRequested: true })
            {
                _log.Notice("second stop signal: stopping the running commands now");
                _commands.StopAll(TimeSpan.Zero);
                return;
            }

            if (Environment.TickCount64 >= deadline)
            {
                _log.Warning($"{_commands.RunningCount} command(s) still running after {limit.TotalSeconds:0} s");
                return;
            }
        }
    }

    /// <summary>The figures of systemd's status line; read every time the loop turns, so allocation-free.</summary>
    private ServiceStatus CurrentStatus() =>
        new(_engine!.RuleSet.Rules.Length, _scores?.TableCount ?? 0, _scores?.BlockedCount() ?? 0, _paused, _lastReload);

    // systemd hears of the reload whether it was asked for by systemctl reload or by a kill -HUP,
    // and is told the daemon is ready again whatever the outcome: the previous rules run on.
    private void Reload()
    {
        _notifier?.Reloading();
        _lastReload = ApplyReload();
        _notifier?.Ready(CurrentStatus(), Environment.TickCount64);
    }

    private ReloadOutcome ApplyReload()
    {
        _log.Notice($"SIGHUP: reloading {_source.Describe()}");
        TinyfenceConfig? config = LoadConfig("reload");
        if (config is null)
        {
            return ReloadOutcome.Rejected;
        }

        ReloadOutcome outcome = ReloadOutcome.Applied;
        if (config.Tables.Count > 0 || config.Server is not null || _scores is not null)
        {
            _scores ??= new ScoreService(_log, _testClock, _status);
            if (!_scores.Apply(config))
            {
                _log.Error("reload: the score tables could not all be set up; those that could were");
                outcome = ReloadOutcome.TablesIncomplete;
            }
        }

        _http.Apply(config.Server);
        RuleSet set = RuleCompiler.Compile(config, _log, _scores);
        RuleEngine old = _engine!;
        IReadOnlyDictionary<string, RuleState> states = old.States;
        int kept = set.Rules.Count(r => states.ContainsKey(r.Name));
        LogSetup.Apply(_log, set.Settings, _forceSyslog);
        _commands!.KillGrace = set.Settings.KillGrace;
        _engine = new RuleEngine(set, _reader, _log, _commands, states, _wake.Set, _dryRun, UpdateMail(set.Mail));
        UpdateStatus(set);
        old.RuleSet.Dispose();
        _log.Notice($"reloaded: {set.Rules.Length} rules, {kept} kept their state");
        return outcome;
    }

    private TinyfenceConfig? LoadConfig(string when)
    {
        var diagnostics = new DiagnosticBag();
        TinyfenceConfig? config = _source.Load(diagnostics);
        foreach (Diagnostic diagnostic in diagnostics.InReadingOrder())
        {
            _log.Write(diagnostic.Severity switch
            {
                DiagnosticSeverity.Error => LogLevel.Error,
                DiagnosticSeverity.Warning => LogLevel.Warning,
                _ => LogLevel.Info,
            }, diagnostic.ToString());
        }

        if (config is null)
        {
            string outcome = when == "reload" ? "reload rejected: the previous rules keep running" : "not started";
            _log.Error($"{outcome}: {diagnostics.ErrorCount} error(s) in the config");
        }

        return config;
    }
}
