using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Rules;

/// <summary>Commands started by rules: environment, sysfence's "not checked while running", timeouts.</summary>
public sealed class RuleCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-cmd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CommandGetsVariablesDescribingTheFiring()
    {
        string output = Path.Combine(_dir, "env");
        using var h = new EngineHarness($$"""
            rule "apache" { la1 >= 10 or la5 >= 6 } run once 'env | grep -E "^TINYFENCE_(RULE|EVENT|CONDITION|READINGS|CONFIG)=" | sort > {{output}}'
            """, "overloaded");
        h.Tick(0);
        h.WaitForCommands();
        Assert.Equal(
            [
                "TINYFENCE_CONDITION=la1 >= 10 or la5 >= 6",
                "TINYFENCE_CONFIG=test.conf:1",
                "TINYFENCE_EVENT=fire",
                "TINYFENCE_READINGS=la1=12.50 la5=7.20",
                "TINYFENCE_RULE=apache",
            ],
            File.ReadAllLines(output));
    }

    [Fact]
    public void RecoveryCommandRunsOnlyIfTheRuleStoppedTheService()
    {
        string journal = Path.Combine(_dir, "journal");
        using var h = new EngineHarness($$"""
            rule "apache" { la1 >= 10 or la5 >= 6 } run once 'echo stop >> {{journal}}'
                until { la1 <= 2 } run 'echo "start $TINYFENCE_EVENT" >> {{journal}}'
            """);
        (double, double)[] loads = [(1, 1), (12, 7), (12, 7), (5, 5), (1, 1), (1, 1)];
        for (int i = 0; i < loads.Length; i++)
        {
            h.Proc.SetLoad(loads[i].Item1, loads[i].Item2);
            h.Tick(i * 10_000L);
            h.WaitForCommands();
        }

        Assert.Equal(["stop", "start recover"], File.ReadAllLines(journal));
    }

    [Fact]
    public void RuleIsNotCheckedWhileItsCommandRunsButOthersAre()
    {
        string gate = Path.Combine(_dir, "gate");
        using var h = new EngineHarness($$"""
            rule "slow" { la1 >= 0 } run 'while [ ! -e {{gate}} ]; do sleep 0.05; done' step 1
            rule "other" { la1 >= 0 } log step 1
            """);
        for (int i = 0; i < 5; i++)
        {
            h.Tick(i * 1000L);
        }

        Assert.Equal(1, h.Count("rule \"slow\" fired"));
        Assert.Equal(5, h.Count("rule \"other\" fired"));

        File.WriteAllText(gate, "");
        h.WaitForCommands();
        h.Tick(5000);
        Assert.Equal(1, h.Count("rule \"slow\" fired")); // a step after the command ended, not at once
        h.Tick(6000);
        Assert.Equal(2, h.Count("rule \"slow\" fired"));
    }

    [Fact]
    public void HungCommandIsKilledAtTheTimeoutAndTheRuleGoesOn()
    {
        using var h = new EngineHarness("set timeout 500ms\nrule 'hung' { la1 >= 0 } run once 'trap \"\" TERM; sleep 30' step 1");
        h.Tick(0);
        h.WaitForCommands();
        Assert.Single(h.Lines("timeout"));
        Assert.False(h.Engine.StateOf("hung").CommandRunning);
        Assert.True(h.Engine.StateOf("hung").LastCommand!.TimedOut);
    }

    [Fact]
    public void CommandOutputGoesToTheLog()
    {
        using var h = new EngineHarness("rule 'talk' { la1 >= 0 } run once 'echo hello from the command; echo oops >&2'");
        h.Tick(0);
        h.WaitForCommands();
        Assert.Single(h.Lines("talk: hello from the command"));
        Assert.Single(h.Lines("talk: oops"));
    }
}
