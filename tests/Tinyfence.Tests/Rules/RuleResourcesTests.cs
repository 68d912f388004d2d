using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Rules;

/// <summary>Every resource against the figures of the fixture trees (fixtures/proc/README.md).</summary>
public class RuleResourcesTests
{
    private static List<string> FiredOnce(string fixture, string condition)
    {
        using var h = new EngineHarness($"rule 'r' {{ {condition} }} log", fixture);
        h.Tick(0);
        return h.Lines("rule \"r\" fired");
    }

    // The fixture's cpu counters moved on to the given line, and the check 10 s on: what it fired.
    private static List<string> FiredOnceTheCpuCountersAre(EngineHarness h, string cpuLine)
    {
        string stat = File.ReadAllText(Path.Combine(h.Proc.Root, "stat"));
        h.Proc.Write("stat", stat.Replace("cpu  1287431 2214 412876 93876121 20143", cpuLine, StringComparison.Ordinal));
        h.Tick(10_000);
        return h.Lines("fired");
    }

    [Theory]
    [InlineData("overloaded", "la1 >= 12.5 and la5 == 7.2 and la15 < 3.2", "la1=12.50 la5=7.20 la15=3.10")]
    // sysfence's memfree is MemFree + Buffers + Cached: 221184 KiB = 216 MiB.
    [InlineData("overloaded", "memfree == 226492416", "memfree=216M")]
    [InlineData("overloaded", "memused > 7G", "memused=7.4G")]
    [InlineData("overloaded", "memavail < 150M", "memavail=148M")]
    [InlineData("overloaded", "memavail < 2%", "memavail=1.9%")]
    [InlineData("overloaded", "swapused > 90%", "swapused=93.7%")]
    [InlineData("overloaded", "swapfree <= 128M", "swapfree=128M")]
    [InlineData("overloaded", "pressure memory full avg10 > 48", "pressure memory full avg10=48.8%")]
    [InlineData("overloaded", "pressure cpu some avg300 > 41", "pressure cpu some avg300=41.1%")]
    [InlineData("overloaded", "pressure io > 55", "pressure io some avg10=55.1%")]
    [InlineData("idle", "tcpconn 80 == 4 and tcpconn 443 == 4 and tcpconn 8080 == 0", "tcpconn 80=4 tcpconn 443=4 tcpconn 8080=0")]
    [InlineData("idle", "nproc == 11", "nproc=11")]
    [InlineData("idle", "nproc \"www-data\" zombie == 1", "nproc \"www-data\" zombie=1")]
    [InlineData("overloaded", "nproc 33 uninterruptible == 2", "nproc 33 uninterruptible=2")]
    [InlineData("overloaded", "nproc uninterruptible, zombie == 4", "nproc uninterruptible, zombie=4")]
    public void ReadsEachResourceFromItsProcFile(string fixture, string condition, string readings)
    {
        Assert.Equal([$"rule \"r\" fired: {readings}"], FiredOnce(fixture, condition));
    }

    [Fact]
    public void ContainerFiguresAreClampedNotAbsurd()
    {
        // MemFree + Buffers + Cached exceeds MemTotal in the container fixture: used is 0, not negative.
        Assert.Single(FiredOnce("container", "memused == 0 and memused == 0%"));
        Assert.Single(FiredOnce("container", "swapused == 0% and swapfree == 100%"));
    }

    [Fact]
    public void OldKernelWithoutMemAvailableFallsBackAndSaysSo()
    {
        using var h = new EngineHarness("rule 'r' { memavail >= 0 } log", "old-kernel");
        h.Tick(0);
        h.Tick(10_000);
        Assert.Equal(2, h.Count("fired"));
        Assert.Single(h.Lines("no MemAvailable"));
    }

    [Fact]
    public void MissingPressureFileIsUnknownNotACrashAndIsReportedOnce()
    {
        using var h = new EngineHarness("rule 'r' { pressure memory > 1 } log\nrule 'other' { not pressure memory > 1 } log", "old-kernel");
        for (int i = 0; i < 5; i++)
        {
            h.Tick(i * 10_000);
        }

        // Unknown is neither true nor false: neither the rule nor its negation fires.
        Assert.Equal(0, h.Count("fired"));
        Assert.Single(h.Lines("/proc/pressure/memory: unavailable"));
    }

    [Fact]
    public void AnUnknownReadingDoesNotHideATrueAlternative()
    {
        using var h = new EngineHarness("rule 'r' { pressure memory > 1 or la1 >= 0 } log", "old-kernel");
        h.Tick(0);
        Assert.StartsWith("rule \"r\" fired: pressure memory some avg10=unavailable la1=", Assert.Single(h.Lines("fired")), StringComparison.Ordinal);
    }

    [Fact]
    public void AFileThatComesBackIsReadAgainAndReported()
    {
        using var h = new EngineHarness("rule 'r' { pressure io > 0.3 } log");
        string saved = File.ReadAllText(Path.Combine(h.Proc.Root, "pressure", "io"));
        h.Proc.Delete("pressure/io");
        h.Tick(0);
        h.Proc.Write("pressure/io", saved);
        h.Tick(10_000);
        Assert.Single(h.Lines("unavailable"));
        Assert.Single(h.Lines("readable again"));
        Assert.Equal(1, h.Count("fired"));
    }

    [Fact]
    public void CpuPercentagesAreMeasuredOverTheRulesOwnStep()
    {
        using var h = new EngineHarness("rule 'r' { cpu >= 0 and iowait >= 0 } log");
        h.Tick(0); // the first check only takes the counters: its figures are unknown
        Assert.Equal(0, h.Count("fired"));

        // Between the two checks: 100 jiffies, 75 busy, 20 iowait.
        Assert.Equal(["rule \"r\" fired: cpu=75.0% iowait=20.0%"], FiredOnceTheCpuCountersAre(h, "cpu  1287506 2214 412876 93876126 20163"));
    }

    [Fact]
    public void CpuWithNoTimePassedIsUnknown()
    {
        using var h = new EngineHarness("rule 'r' { cpu >= 0 or iowait >= 0 } log");
        h.Tick(0);
        h.Tick(10_000); // the fixture's counters did not move
        Assert.Equal(0, h.Count("fired"));
    }

    [Fact]
    public void SpaceIsReadFromTheRealFileSystem()
    {
        using var h = new EngineHarness("rule 'r' { spaceavail \"/\" >= 0 and spaceused \"/\" <= 100% } log");
        h.Tick(0);
        Assert.Single(h.Lines("fired: spaceavail \"/\"="));
    }

    [Fact]
    public void SpaceOfAMissingPathIsUnavailable()
    {
        using var h = new EngineHarness("rule 'r' { spacefree \"/no/such/dir\" >= 0 } log");
        h.Tick(0);
        Assert.Equal(0, h.Count("fired"));
        Assert.Single(h.Lines("statvfs(\"/no/such/dir\"): unavailable"));
    }

    [Fact]
    public void ACpuCounterThatGoesBackCountsAsZeroNotAsAHugeFigure()
    {
        // The kernel documents that iowait can decrease. Here: busy +100, idle +100, iowait -2,
        // so 198 jiffies passed and busy is 100 / 198.
        using var h = new EngineHarness("rule 'r' { iowait == 0 and cpu <= 100 } log");
        h.Tick(0);
        Assert.Equal(["rule \"r\" fired: iowait=0.0% cpu=50.5%"], FiredOnceTheCpuCountersAre(h, "cpu  1287531 2214 412876 93876221 20141"));
    }

    [Fact]
    public void AProcessThatCannotBeReadIsSkippedNotTheWholeCount()
    {
        using var h = new EngineHarness("rule 'r' { nproc zombie == 1 and nproc \"www-data\" == 3 } log");
        // A pid directory whose files cannot be read (as with hidepid= or an LSM): a directory
        // where the stat file should be makes every read of it fail.
        Directory.CreateDirectory(Path.Combine(h.Proc.Root, "9999", "stat"));
        Directory.CreateDirectory(Path.Combine(h.Proc.Root, "9999", "status"));
        h.Tick(0);
        Assert.Equal(1, h.Count("fired"));
    }
}
