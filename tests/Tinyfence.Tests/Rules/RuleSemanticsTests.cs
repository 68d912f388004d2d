using Tinyfence.Rules;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Rules;

/// <summary>sysfence's semantics (once, repeat, step) and Tinyfence's (recovery, hysteresis), on a fake /proc.</summary>
public class RuleSemanticsTests
{
    private const long Step = 10_000;

    // A check a step apart for each load, from 0: the i-th at i steps with the i-th 1-minute load.
    private static void CheckOncePerStep(EngineHarness h, params double[] loads)
    {
        for (int i = 0; i < loads.Length; i++)
        {
            h.Proc.SetLoad(loads[i]);
            h.Tick(i * Step);
        }
    }

    // As above with the 1- and 5-minute loads.
    private static void CheckOncePerStep(EngineHarness h, params (double La1, double La5)[] loads)
    {
        for (int i = 0; i < loads.Length; i++)
        {
            h.Proc.SetLoad(loads[i].La1, loads[i].La5);
            h.Tick(i * Step);
        }
    }

    [Fact]
    public void WithoutOnceALogRuleFiresOnEveryCheckThatHolds()
    {
        using var h = new EngineHarness("rule 'hot' { la1 > 5 } log");
        h.Proc.SetLoad(6);
        for (int i = 0; i < 3; i++)
        {
            h.Tick(i * Step);
        }

        Assert.Equal(3, h.Count("rule \"hot\" fired: la1=6.00"));
    }

    [Fact]
    public void OnceFiresOnTheRisingEdgeAndRearmsOnlyAfterTheConditionWasFalse()
    {
        using var h = new EngineHarness("rule 'hot' { la1 > 5 } log once");
        CheckOncePerStep(h, 6, 7, 8, 1, 9, 9);

        Assert.Equal(["rule \"hot\" fired: la1=6.00", "rule \"hot\" fired: la1=9.00"], h.Lines("fired"));
    }

    [Fact]
    public void RunOnceWithLogLogsEveryCheckButRunsOnce()
    {
        string marker = Path.GetTempFileName();
        using var h = new EngineHarness($"rule 'hot' {{ la1 > 5 }} run once 'echo ran >> {marker}' log");
        h.Proc.SetLoad(6);
        for (int i = 0; i < 4; i++)
        {
            h.Tick(i * Step);
            h.WaitForCommands();
        }

        // Checked at 0, 20 and 30 s: at 10 s the rule waits a step after its command ended.
        Assert.Equal(3, h.Count("rule \"hot\" fired"));
        Assert.Equal(["ran"], File.ReadAllLines(marker));
        File.Delete(marker);
    }

    [Fact]
    public void EachRuleIsCheckedAtItsOwnStep()
    {
        using var h = new EngineHarness("set step 10s\nrule 'fast' { la1 > 5 } log step 2\nrule 'slow' { la1 > 5 } log");
        h.Proc.SetLoad(6);
        long next = h.Tick(0);
        Assert.Equal(2_000, next);
        for (long t = 1_000; t <= 10_000; t += 1_000)
        {
            h.Tick(t);
        }

        Assert.Equal(6, h.Count("rule \"fast\" fired")); // 0, 2, 4, 6, 8, 10 s
        Assert.Equal(2, h.Count("rule \"slow\" fired")); // 0, 10 s
    }

    [Fact]
    public void RecoveryRunsOnlyAfterTheRuleFiredAndOnlyOnce()
    {
        using var h = new EngineHarness("rule 'apache' { la1 >= 10 or la5 >= 6 } log once until { la1 <= 2 } log");
        CheckOncePerStep(h, (1, 1), (1.5, 1), (12.5, 7.2), (11, 7), (5, 5), (1.8, 3), (1.0, 1), (12, 7));

        // The low load at the start does not "recover" anything: the rule had not fired.
        Assert.Equal(
            [
                "rule \"apache\" fired: la1=12.50 la5=7.20",
                "rule \"apache\" recovered: la1=1.80",
                "rule \"apache\" fired: la1=12.00 la5=7.00",
            ],
            h.Lines("rule \"apache\""));
    }

    [Fact]
    public void RepeatingTriggerActionsGoOnWhileTrippedUntilRecovery()
    {
        using var h = new EngineHarness("rule 'r' { la1 > 5 } log until { la1 < 1 } log");
        CheckOncePerStep(h, 6, 7, 3, 8, 0.5);

        Assert.Equal(["fired: la1=6.00", "fired: la1=7.00", "fired: la1=8.00", "recovered: la1=0.50"],
            h.Lines("rule \"r\"").Select(l => l[(l.IndexOf(' ', 6) + 1)..]));
    }

    [Fact]
    public void UntilWithoutConditionRecoversWhenTheTriggerStopsHolding()
    {
        using var h = new EngineHarness("rule 'r' { la1 > 5 } log once until log");
        CheckOncePerStep(h, 6, 7, 4);

        Assert.Equal(["rule \"r\" fired: la1=6.00", "rule \"r\" recovered: la1=4.00"], h.Lines("rule \"r\""));
    }

    [Fact]
    public void ForChecksNeedsThatManyConsecutiveChecks()
    {
        using var h = new EngineHarness("rule 'r' { la1 > 5 } for 3 checks log once");
        double[] loads = [6, 6, 1, 6, 6, 6, 6];
        int firedAt = -1;
        for (int i = 0; i < loads.Length; i++)
        {
            h.Proc.SetLoad(loads[i]);
            h.Tick(i * Step);
            if (firedAt < 0 && h.Count("fired") > 0)
            {
                firedAt = i;
            }
        }

        Assert.Equal(5, firedAt); // the dip at check 2 restarts the count
        Assert.Equal(1, h.Count("fired"));
    }

    [Fact]
    public void ForDurationNeedsTheConditionAtEveryCheckOverThatTime()
    {
        using var h = new EngineHarness("rule 'r' { la1 > 5 } for 30s log once step 10");
        h.Proc.SetLoad(6);
        long[] times = [0, 10_000, 20_000, 29_999, 30_000];
        var fired = new List<long>();
        foreach (long t in times)
        {
            h.Tick(t);
            if (h.Count("fired") > fired.Count)
            {
                fired.Add(t);
            }
        }

        Assert.Equal([30_000L], fired);
    }

    [Fact]
    public void RecoveryHasItsOwnHysteresis()
    {
        using var h = new EngineHarness("rule 'r' { la1 > 5 } log once until { la1 < 2 } for 2 checks log");
        CheckOncePerStep(h, 6, 1, 3, 1, 1);

        Assert.Equal(["fired", "recovered"], h.Lines("rule \"r\"").Select(l => l.Split(' ')[2].TrimEnd(':')));
        Assert.Equal(RulePhase.Armed, h.Engine.StateOf("r").Phase);
    }

    [Fact]
    public void NotAndParenthesesEvaluateAsWritten()
    {
        using var h = new EngineHarness("rule 'r' { not (la1 > 5 or la5 > 5) and la15 < 1 } log");
        h.Proc.SetLoad(1, 1, 0.5);
        h.Tick(0);
        h.Proc.SetLoad(1, 6, 0.5);
        h.Tick(Step);
        Assert.Equal(1, h.Count("fired"));
    }

    [Fact]
    public void PrecedenceMakesAndBindTighterThanOr()
    {
        // la1 > 5 or (la5 > 5 and la15 > 5): true with la1 alone. sysfence would need la15 too.
        using var h = new EngineHarness("rule 'r' { la1 > 5 or la5 > 5 and la15 > 5 } log");
        h.Proc.SetLoad(6, 0, 0);
        h.Tick(0);
        Assert.Equal(1, h.Count("fired"));
    }
}
