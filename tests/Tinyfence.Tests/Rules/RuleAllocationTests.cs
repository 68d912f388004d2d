using Tinyfence.Testing;
using Tinyfence.Actions;
using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Proc;
using Tinyfence.Rules;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Rules;

/// <summary>The steady-state tick allocates nothing: not when rules hold, not when they log.</summary>
public class RuleAllocationTests
{
    private const string EveryResource = """
        set step 1s
        rule "load" { la1 >= 10 or la5 >= 6 and not la15 > 20 } log once until { la1 <= 2 } log
        rule "memory" { memavail < 5% or memfree < 64M or swapused > 90% } for 3 checks log once
        rule "pressure" { pressure memory some avg10 > 40 or pressure io full avg60 > 30 or pressure cpu > 90 } log once
        rule "cpu" { cpu > 95 or iowait > 50 } log once
        rule "web" { tcpconn 80 > 1000 or tcpconn 443 > 1000 } log once
        rule "procs" { nproc > 5000 or nproc "www-data" zombie > 50 or nproc uninterruptible > 20 } log once
        rule "disk" { spaceavail "/" < 1M or spaceused "/" > 99.9% } log once
        rule "heartbeat" { la1 >= 0 and memavail >= 0 } log
        """;

    [Theory]
    [InlineData("idle")]
    [InlineData("overloaded")]
    [InlineData("old-kernel")]
    public void TickAllocatesNothingOnceWarm(string fixture)
    {
        using var proc = new ProcReader(RepoRoot.Fixture("proc", fixture));
        var log = new Logger(new DiscardSink());
        using var commands = new CommandRunner(log, TimeSpan.FromSeconds(1));
        TinyfenceConfig config = TestConfig.LoadValid(EveryResource);
        var engine = new RuleEngine(RuleCompiler.Compile(config, log), proc, log, commands);

        long now = 0;
        for (int i = 0; i < 50; i++)
        {
            engine.Tick(now += 1000);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3000; i++)
        {
            engine.Tick(now += 1000);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    /// <summary>A sink that drops lines: the tick's own allocations are measured, not a test sink's.</summary>
    private sealed class DiscardSink : LogSink
    {
        public int Lines { get; private set; }

        public override void Write(LogLevel level, ReadOnlySpan<byte> message) => Lines++;
    }
}
