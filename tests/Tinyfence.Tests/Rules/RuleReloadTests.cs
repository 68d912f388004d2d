using Tinyfence.Rules;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Rules;

public class RuleReloadTests
{
    [Fact]
    public void ALatchedRuleStaysLatchedAcrossAReload()
    {
        using var h = new EngineHarness("rule 'apache' { la1 >= 10 } log once until { la1 <= 2 } log");
        h.Proc.SetLoad(12);
        h.Tick(0);
        Assert.Equal(RulePhase.Tripped, h.Engine.StateOf("apache").Phase);

        // The new config changes the thresholds and adds a rule; "apache" keeps its state.
        h.Reload("rule 'apache' { la1 >= 11 } log once until { la1 <= 3 } log\nrule 'new' { la1 >= 0 } log");
        h.Proc.SetLoad(2.5);
        h.Tick(10_000);
        Assert.Equal(["rule \"apache\" fired: la1=12.00", "rule \"apache\" recovered: la1=2.50"], h.Lines("rule \"apache\""));
        Assert.Equal(RulePhase.Armed, h.Engine.StateOf("apache").Phase);
    }

    [Fact]
    public void OnceStateSurvivesAReloadSoTheCommandDoesNotRunTwice()
    {
        Assert.Equal(1, FiredAcrossAReloadTo("rule 'warn' { la1 >= 8 } log once step 5"));
    }

    [Fact]
    public void ARenamedRuleStartsFresh()
    {
        Assert.Equal(2, FiredAcrossAReloadTo("rule 'warning' { la1 >= 8 } log once"));
    }

    [Fact]
    public void AReloadThatShortensTheStepTakesEffectFromTheLastCheck()
    {
        using var h = new EngineHarness("rule 'r' { la1 >= 0 } log step 1h");
        h.Tick(0);
        h.Reload("rule 'r' { la1 >= 0 } log step 10s");
        Assert.Equal(10_000, h.Tick(5_000));
    }

    // A "log once" rule that has fired, a reload to the given config, a later check: how often it fired in all.
    private static int FiredAcrossAReloadTo(string reloaded)
    {
        using var h = new EngineHarness("rule 'warn' { la1 >= 8 } log once");
        h.Proc.SetLoad(9);
        h.Tick(0);
        h.Reload(reloaded);
        h.Tick(10_000);
        return h.Count("fired");
    }
}
