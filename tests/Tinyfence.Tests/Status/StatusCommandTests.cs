using System.Globalization;
using System.Text.Json;
using Tinyfence.Testing;
using Tinyfence.Tests.Hosting;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Status;

/// <summary><c>tinyfence status</c> and <c>tinyfence metrics</c> against a running daemon on a fixture /proc.</summary>
public sealed class StatusCommandTests : IDisposable
{
    private readonly ScoreDaemon _daemon = new();
    private readonly FakeProcTree _proc = new("idle");

    public void Dispose()
    {
        _proc.Dispose();
        _daemon.Dispose();
    }

    [Fact]
    public void StatusJsonFollowsALatchedRuleFromFiredToLatchedToIdle()
    {
        // The command waits for the gate, so "fired, command running" is there to be seen for as
        // long as the test needs; 'run once' keeps the latched rule from running it again.
        string gate = Path.Combine(_daemon.Directory, "gate");
        _daemon.Configure($$"""
            server { }
            set step 200ms
            rule "load" { la1 >= 10 } run once 'while [ ! -e {{gate}} ]; do sleep 0.05; done; exit 3' until { la1 <= 2 } log
            """);
        DateTime started = DateTime.UtcNow.AddSeconds(-1);
        _proc.SetLoad(12);
        using RunningDaemon running = _daemon.Start("--proc-root", _proc.Root);

        JsonElement fired = WaitForRule("fired", r => r.GetProperty("command").GetProperty("running").GetBoolean());
        DateTime firedAt = fired.GetProperty("lastFired").GetDateTime();
        Assert.InRange(firedAt, started, DateTime.UtcNow);
        Assert.True(fired.GetProperty("command").GetProperty("pid").GetInt32() > 0);

        File.WriteAllText(gate, "");
        JsonElement latched = WaitForRule("latched", r => r.GetProperty("command").GetProperty("runs").GetInt64() == 1);
        JsonElement command = latched.GetProperty("command");
        Assert.Equal((3, 1L, false), (command.GetProperty("lastExitStatus").GetInt32(), command.GetProperty("failures").GetInt64(), command.GetProperty("running").GetBoolean()));
        Assert.Equal(firedAt, latched.GetProperty("lastFired").GetDateTime());
        Assert.Equal(JsonValueKind.Null, latched.GetProperty("lastRecovered").ValueKind);

        _proc.SetLoad(1);
        JsonElement idle = WaitForRule("idle", _ => true);
        DateTime recoveredAt = idle.GetProperty("lastRecovered").GetDateTime();
        Assert.InRange(recoveredAt, firedAt, DateTime.UtcNow);
        Assert.Equal((1L, 1L), (idle.GetProperty("fired").GetInt64(), idle.GetProperty("recovered").GetInt64()));
        Assert.Equal(1.0, idle.GetProperty("readings")[0].GetProperty("value").GetDouble());

        ProcessResult text = Status();
        Assert.Contains("rule \"load\": idle; fired 1 times", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("last command: exit status 3", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void MetricsPassPromtoolCheck()
    {
        const string Promtool = "/usr/bin/promtool";
        TestPackages.Require(Promtool, "prometheus", "checking the metrics format");
        _daemon.Configure($$"""
            {{ScoreDaemon.Table()}}
            set step 200ms
            rule 'a "quoted" \\ name' { la1 >= 0 or memfree < 90% or cpu <= 100% } log once
            """);
        using RunningDaemon running = _daemon.Start("--proc-root", _proc.Root);
        _daemon.Ask("hit", "spam", "192.0.2.1", "3");
        running.WaitForLine(" fired");

        // The board is refreshed after a turn: the turn that logged the firing may have come before the hit.
        ProcessResult metrics = null!;
        Patience.WaitUntil(
            () => (metrics = ProcessResult.Run(TinyfenceProgram.Path, ["metrics", "--run-dir", _daemon.RunDir], Patience.Short)).Stdout.Contains("tinyfence_table_hits_total{table=\"spam\"} 1\n", StringComparison.Ordinal),
            "the metrics to show the hit");
        Assert.True(metrics.ExitCode == 0, metrics.ToString());
        Assert.Contains("tinyfence_reading_load{reading=\"la1\"} 0.08\n", metrics.Stdout, StringComparison.Ordinal);
        Assert.Contains("tinyfence_protocol_requests_total{verb=\"HIT\"} 1\n", metrics.Stdout, StringComparison.Ordinal);
        Assert.Contains("tinyfence_rule_state{rule=\"a \\\"quoted\\\" \\\\\\\\ name\",state=\"fired\"} 1\n", metrics.Stdout, StringComparison.Ordinal);

        string file = Path.Combine(_daemon.Directory, "metrics.prom");
        File.WriteAllText(file, metrics.Stdout);
        ProcessResult check = ProcessResult.Run("/bin/sh", ["-c", $"{Promtool} check metrics < '{file}'"], Patience.Short);
        Assert.True(check.ExitCode == 0, check.ToString());
    }

    [Fact]
    public void TheMetricsFileIsRewrittenInPlace()
    {
        string file = Path.Combine(_daemon.Directory, "tinyfence.prom");
        _daemon.Configure($"""
            server {"{ }"}
            set metrics-file "{file}" every 200ms
            rule "beat" {"{ la1 >= 0 }"} log once
            """);
        using RunningDaemon running = _daemon.Start("--proc-root", _proc.Root);
        Patience.WaitForRewrite(file, "the metrics file");
        string text = File.ReadAllText(file);
        Assert.Contains("tinyfence_rule_firings_total{rule=\"beat\"} ", text, StringComparison.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.False(File.Exists(file + ".tmp"));
    }

    private ProcessResult Status(params string[] extra) =>
        ProcessResult.Run(TinyfenceProgram.Path, ["status", "--run-dir", _daemon.RunDir, .. extra], Patience.Short);

    private JsonElement WaitForRule(string state, Func<JsonElement, bool> also)
    {
        JsonElement found = default;
        string last = "";
        Patience.WaitUntil(() =>
        {
            ProcessResult result = Status("--json");
            Assert.True(result.ExitCode == 0, result.ToString());
            last = result.Stdout;
            JsonElement rule = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("rules")[0];
            found = rule.Clone();
            return rule.GetProperty("state").GetString() == state && also(rule);
        }, $"the rule to be {state} (last status: {last})", intervalMs: 50);
        return found;
    }
}
