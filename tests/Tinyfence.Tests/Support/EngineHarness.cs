using Tinyfence.Actions;
using Tinyfence.Alerts;
using Tinyfence.Hosting;
using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Proc;
using Tinyfence.Rules;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Support;

/// <summary>A rule engine over a fake /proc tree, with the real command runner and a captured log.</summary>
internal sealed class EngineHarness : IDisposable
{
    private readonly ProcReader _reader;

    public EngineHarness(string configText, string fixture = "idle", IReadOnlyDictionary<string, RuleState>? carried = null, FakeProcTree? proc = null)
        : this(configText, fixture, carried, proc, mailOptions: null)
    {
    }

    /// <param name="mailOptions">When the config has a mail section: the queue's knobs (fast retries in tests).</param>
    public EngineHarness(string configText, string fixture, IReadOnlyDictionary<string, RuleState>? carried, FakeProcTree? proc, MailQueueOptions? mailOptions)
    {
        Proc = proc ?? new FakeProcTree(fixture);
        Sink = new MemorySink();
        Log = new Logger(Sink);
        _reader = new ProcReader(Proc.Root);
        Commands = new CommandRunner(Log, TimeSpan.FromSeconds(1));
        TinyfenceConfig config = TestConfig.LoadValid(configText);
        if (config.Mail is { } mail)
        {
            MailQueue queue = mailOptions is null
                ? new MailQueue(MailSetup.ToSettings(mail), Log)
                : new MailQueue(MailSetup.ToSettings(mail), Log, mailOptions);
            Mail = new MailAlerts(queue, Proc.Root, Log) { CpuInterval = TimeSpan.Zero };
        }

        Engine = Build(configText, carried);
    }

    public FakeProcTree Proc { get; }

    public MemorySink Sink { get; }

    public Logger Log { get; }

    public CommandRunner Commands { get; }

    public MailAlerts? Mail { get; }

    public RuleEngine Engine { get; private set; }

    /// <summary>Replaces the engine as a SIGHUP reload does: new rules, states carried by name.</summary>
    public void Reload(string configText)
    {
        RuleEngine old = Engine;
        Engine = Build(configText, old.States);
        old.RuleSet.Dispose();
    }

    public long Tick(long nowMs) => Engine.Tick(nowMs);

    public List<string> Lines(string containing) =>
        [.. Sink.Lines.Select(l => l.Text).Where(t => t.Contains(containing, StringComparison.Ordinal))];

    public int Count(string containing) => Lines(containing).Count;

    public void WaitForCommands()
    {
        Assert.True(Commands.WaitForAll(Patience.Short), "commands still running");
        // The exit callback runs on the supervisor thread just before WaitForAll sees it finished.
        Assert.True(SpinWait.SpinUntil(() => !Engine.AnyCommandRunning, Patience.Short), "the engine still sees a command running");
    }

    public void Dispose()
    {
        Engine.RuleSet.Dispose();
        Commands.Dispose();
        Mail?.Queue.Dispose();
        _reader.Dispose();
        Proc.Dispose();
    }

    private RuleEngine Build(string configText, IReadOnlyDictionary<string, RuleState>? carried)
    {
        TinyfenceConfig config = TestConfig.LoadValid(configText);
        RuleSet set = RuleCompiler.Compile(config, Log);
        return new RuleEngine(set, _reader, Log, Commands, carried, onCommandExit: null, dryRun: false, Mail);
    }
}
