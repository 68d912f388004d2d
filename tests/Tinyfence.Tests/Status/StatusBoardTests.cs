using System.Buffers;
using System.Text;
using System.Text.Json;
using Tinyfence.Status;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Status;

/// <summary>The status report's JSON shape, its states, and what writing it costs.</summary>
public sealed class StatusBoardTests : IDisposable
{
    // 'log once': while latched the trigger's repeating actions would run (and fire) on every check.
    private const string LatchedRule = "rule 'load' { la1 >= 10 } log once until { la1 <= 2 } log\nset step 1s";

    private readonly EngineHarness _engine = new(LatchedRule);
    private readonly StatusBoard _board = new();

    public StatusBoardTests() => _board.Configure(_engine.Engine.RuleSet, ["/etc/tinyfence.conf"], scores: null);

    public void Dispose()
    {
        _board.Dispose();
        _engine.Dispose();
    }

    // The documented shape: every property path, arrays as [] with one element shown. A change
    // here is a change for every script that reads the JSON: add, never rename or remove.
    [Fact]
    public void TheJsonHasTheDocumentedShape()
    {
        _engine.Tick(0);
        _board.Refresh(_engine.Engine, mail: null, paused: false);

        string[] expected =
        [
            "version", "pid", "since", "uptimeSeconds", "paused",
            "configFiles", "configFiles[].path", "configFiles[].loaded",
            "rules", "rules[].name", "rules[].state", "rules[].holdingChecks", "rules[].fired", "rules[].recovered",
            "rules[].lastCheck", "rules[].lastFired", "rules[].lastRecovered",
            "rules[].command", "rules[].command.running", "rules[].command.pid", "rules[].command.runs", "rules[].command.failures",
            "rules[].command.lastExitStatus", "rules[].command.lastSignal", "rules[].command.lastTimedOut", "rules[].command.lastDurationSeconds",
            "rules[].readings", "rules[].readings[].name", "rules[].readings[].unit", "rules[].readings[].value",
            "tables", "mail",
        ];
        using JsonDocument document = JsonDocument.Parse(Json());
        Assert.Equal(expected, Paths(document.RootElement, ""));
    }

    [Fact]
    public void ALatchedRuleGoesFromIdleToFiredToLatchedToIdle()
    {
        var states = new List<string>();
        void Check(long nowMs, double load)
        {
            _engine.Proc.SetLoad(load);
            _engine.Tick(nowMs);
            _board.Refresh(_engine.Engine, mail: null, paused: false);
            states.Add(_board.Report.Rules[0].State);
        }

        Check(0, 1);
        Check(1000, 12);
        Check(2000, 12);
        Check(3000, 1);
        Check(4000, 1);

        Assert.Equal(["idle", "fired", "latched", "idle", "idle"], states);
        RuleStatus rule = _board.Report.Rules[0];
        Assert.Equal((1, 1), (rule.Fired, rule.Recovered));
        Assert.True(rule.LastRecovered >= rule.LastFired);
        Assert.Equal(("la1", "load", 1.0), (rule.Readings[0].Name, rule.Readings[0].Unit, rule.Readings[0].Value));
    }

    [Fact]
    public void ARecoveryThatMustHoldShowsRecoveringMeanwhile()
    {
        using var engine = new EngineHarness("rule 'load' { la1 >= 10 } log until { la1 <= 2 } for 2 checks log\nset step 1s");
        using var board = new StatusBoard();
        board.Configure(engine.Engine.RuleSet, [], scores: null);
        engine.Proc.SetLoad(12);
        engine.Tick(0);
        engine.Proc.SetLoad(1);
        engine.Tick(1000);
        board.Refresh(engine.Engine, mail: null, paused: false);

        Assert.Equal(("recovering", 1), (board.Report.Rules[0].State, board.Report.Rules[0].HoldingChecks));
        Assert.Equal("(built-in)", board.Report.ConfigFiles[0].Path);
    }

    [Fact]
    public void RefreshingAndWritingTheJsonAllocateNothing()
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        long now = 0;
        long allocated = Allocations.OfRounds(() =>
        {
            _engine.Tick(now += 1000);
            _board.Refresh(_engine.Engine, mail: null, paused: false);
            output.ResetWrittenCount();
            _board.WriteJson(output);
        }, rounds: 2000);

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void WritingTheMetricsAllocatesNothing()
    {
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        _engine.Tick(0);
        _board.Refresh(_engine.Engine, mail: null, paused: false);
        long allocated = Allocations.OfRounds(() =>
        {
            output.ResetWrittenCount();
            _board.WriteMetrics(output);
        }, rounds: 2000);

        Assert.Equal(0, allocated);
    }

    private string Json()
    {
        var output = new ArrayBufferWriter<byte>();
        _board.WriteJson(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static List<string> Paths(JsonElement element, string prefix)
    {
        var paths = new List<string>();
        foreach (JsonProperty property in element.EnumerateObject())
        {
            string path = prefix + property.Name;
            paths.Add(path);
            JsonElement value = property.Value;
            if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
            {
                value = value[0];
                path += "[]";
            }

            if (value.ValueKind == JsonValueKind.Object)
            {
                paths.AddRange(Paths(value, path + "."));
            }
        }

        return paths;
    }
}
