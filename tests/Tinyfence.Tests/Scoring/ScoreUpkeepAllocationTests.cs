using Tinyfence.Blocklist;
using Tinyfence.Logging;
using Tinyfence.Scoring;
using Tinyfence.Table;
using Tinyfence.Tests.Support;
using Tinyfence.Tests.Table;

namespace Tinyfence.Tests.Scoring;

/// <summary>
/// The daemon's once-a-second upkeep runs for as long as the daemon does: in steady state (a
/// sweep, the blocked set unchanged, no snapshot due) it allocates nothing, and a blocklist
/// rewrite when the set changes allocates nothing either once the writer's buffers are grown.
/// The counter is per thread, so the server's threads and other tests do not disturb it.
/// </summary>
public sealed class ScoreUpkeepAllocationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tf-upkeep-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void UpkeepInSteadyStateAllocatesNothing()
    {
        var sink = new MemorySink();
        using var service = new ScoreService(new Logger(sink), testClock: false);
        Assert.True(service.Apply(TestConfig.LoadValid($$"""
            set run-dir "{{_dir}}/run"
            set state-dir "{{_dir}}/state"
            table "spam" { capacity 5000 decay 3 per 1d block above 15 snapshot off blocklist every 1s }
            table "login" { capacity 4000 decay 1 per 1h block above 5 snapshot off blocklist off }
            """)), sink.Text);
        ScoreTable spam = service.Tables[0];
        ScoreTable login = service.Tables[1];
        for (uint i = 1; i <= 3000; i++)
        {
            spam.Set(Keys.V4(i), i % 3 == 0 ? 40 : 4, spam.Now);
            login.Set(Keys.V4(i), 9, login.Now);
        }

        long nowMs = Environment.TickCount64;
        service.Upkeep(nowMs);      // writes the blocklist: 1000 blocked addresses
        Assert.True(File.Exists(Path.Combine(_dir, "run", "spam.blocked.pag")));
        service.Upkeep(nowMs += 1000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int second = 0; second < 200; second++)
        {
            service.Upkeep(nowMs += 1000);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1000, spam.Stats.Blocked);
        // Every login address is over the limit. Where the slots fall depends on the table's
        // random hash key: once in a while an insert meets a full probe window and evicts one.
        TableStats logins = login.Stats;
        Assert.Equal(logins.Entries, logins.Blocked);
        Assert.Equal(3000UL, (ulong)logins.Entries + logins.Evictions);
    }

    [Fact]
    public void SweepingAndRewritingAChangedBlocklistAllocateNothingOnceWarm()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(ScoreTableTests.Spec(capacity: 5000));
        var writer = new SdbmMapWriter(Path.Combine(_dir, "spam.blocked"), "BLOCK"u8);
        uint now = table.Now;
        for (uint i = 1; i <= 2000; i++)
        {
            table.Set(Keys.V4(i), 20, now);
        }

        void Round(uint extra)
        {
            table.Set(Keys.V4(10_000 + (extra % 50)), 30, now);
            table.Delete(Keys.V4(10_000 + ((extra + 25) % 50)));
            table.Sweep(now);
            TableScans.WriteBlocklist(table, writer, now);
        }

        Round(0);
        Round(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (uint i = 2; i < 22; i++)
        {
            Round(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
