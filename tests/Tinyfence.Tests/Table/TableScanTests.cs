using Tinyfence.Table;
using Xunit;

namespace Tinyfence.Tests.Table;

/// <summary>Whole-table scans while another thread inserts and deletes (the blocklist, snapshots and TOP scan a live table).</summary>
public sealed class TableScanTests
{
    private const uint T0 = 1_700_000_000;
    private const int Stable = 3000;

    [Fact]
    public async Task AScanSeesEveryKeyThatStaysExactlyOnceWhileOthersShiftTheSlots()
    {
        // A table two thirds full, so inserts and deletes of the churning keys shift the stable
        // keys' clusters (Robin Hood inserts forward, backward-shift deletes back) during scans.
        using ScoreTable table = ScoreTable.CreatePrivate(ScoreTableTests.Spec(capacity: 6000));
        for (uint i = 0; i < Stable; i++)
        {
            table.Hit(Keys.V4(0x0A00_0000 + i), 1, T0);
        }

        using var stop = new CancellationTokenSource();
        long rounds = 0;
        var churn = Task.Run(() =>
        {
            for (; !stop.IsCancellationRequested; Interlocked.Increment(ref rounds))
            {
                for (uint i = 0; i < 1000; i++)
                {
                    table.Hit(Keys.V4(0x0B00_0000 + i), 1, T0);
                }

                for (uint i = 0; i < 1000; i++)
                {
                    table.Delete(Keys.V4(0x0B00_0000 + i));
                }
            }
        });

        try
        {
            var seen = new int[Stable];
            // Scans while the other thread churns: until it has gone round 200 times.
            for (int scan = 0; Interlocked.Read(ref rounds) < 200; scan++)
            {
                Array.Clear(seen);
                var counter = new StableKeyCounter(seen);
                table.ForEach(T0, ref counter);
                int wrong = Array.FindIndex(seen, times => times != 1);
                Assert.True(wrong < 0, $"scan {scan}: stable key {wrong} seen {(wrong < 0 ? 1 : seen[wrong])} times");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await churn;
        }
    }

    private readonly struct StableKeyCounter(int[] seen) : IEntryVisitor
    {
        public void Visit(in StoredScore entry, int scoreNow)
        {
            uint address = (uint)entry.Key.Lo;
            if (address >> 24 == 0x0A)
            {
                seen[address & 0xFF_FFFF]++;
            }
        }
    }
}
