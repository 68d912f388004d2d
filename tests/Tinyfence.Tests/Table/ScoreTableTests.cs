using Tinyfence.Table;
using Tinyfence.Testing;
using Xunit;

namespace Tinyfence.Tests.Table;

public class ScoreTableTests
{
    private const uint Day = 86400;
    private const uint T0 = 1_700_000_000;

    internal static TableSpec Spec(int capacity = 1000, int prefix = 128) =>
        new("spam", capacity, DecayPoints: 3, DecayPeriodSeconds: Day, BlockAbove: 15, IPv6PrefixBits: prefix);

    [Fact]
    public void HitAddsPointsAndGetReadsThem()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec());
        IpKey a = Keys.V4(192, 0, 2, 1);

        Assert.Equal(0, table.Get(a, T0));
        Assert.Equal(1, table.Hit(a, 1, T0));
        Assert.Equal(16, table.Hit(a, 15, T0));
        Assert.Equal(16, table.Get(a, T0));
        Assert.True(table.IsBlocked(table.Get(a, T0)));
        Assert.Equal(0, table.Get(Keys.V4(192, 0, 2, 2), T0));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void ScoresDecayThreePointsADayLikeTheSeed()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec());
        IpKey spammer = Keys.V4(198, 51, 100, 7);
        table.Hit(spammer, 30, T0);

        Assert.Equal(30, table.Get(spammer, T0 + Day - 1));
        Assert.Equal(27, table.Get(spammer, T0 + Day));
        Assert.Equal(18, table.Get(spammer, T0 + (4 * Day)));
        Assert.True(table.IsBlocked(table.Get(spammer, T0 + (4 * Day))));
        Assert.False(table.IsBlocked(table.Get(spammer, T0 + (5 * Day))));
        Assert.Equal(0, table.Get(spammer, T0 + (10 * Day)));

        // A blocked address that keeps trying: +1 per attempt, decay per whole day since T0.
        Assert.Equal(28, table.Hit(spammer, 1, T0 + Day + 10));
        Assert.Equal(25, table.Get(spammer, T0 + (2 * Day)));
    }

    [Fact]
    public void SetReplacesAndZeroRemoves()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec());
        IpKey a = Keys.V4(10, 0, 0, 1);
        table.Set(a, 40, T0);
        Assert.Equal(40, table.Get(a, T0));
        table.Set(a, 5, T0);
        Assert.Equal(5, table.Get(a, T0));
        table.Set(a, 0, T0);
        Assert.Equal(0, table.Count);
        Assert.Equal(ReadOutcome.Absent, table.TryRead(a, out _));
    }

    [Fact]
    public void DeleteRemovesOnlyThatAddress()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec());
        table.Hit(Keys.V4(1), 5, T0);
        table.Hit(Keys.V4(2), 6, T0);
        Assert.True(table.Delete(Keys.V4(1)));
        Assert.False(table.Delete(Keys.V4(1)));
        Assert.Equal(0, table.Get(Keys.V4(1), T0));
        Assert.Equal(6, table.Get(Keys.V4(2), T0));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void IPv6ClientsShareAScorePerPrefixWhenConfigured()
    {
        using ScoreTable per64 = ScoreTable.CreatePrivate(Spec(prefix: 64));
        using ScoreTable perAddress = ScoreTable.CreatePrivate(Spec(prefix: 128));
        IpKey one = Keys.V6(0x2001_0db8_0000_0001, 0x1);
        IpKey other = Keys.V6(0x2001_0db8_0000_0001, 0xdead_beef);
        IpKey elsewhere = Keys.V6(0x2001_0db8_0000_0002, 0x1);
        foreach (ScoreTable table in new[] { per64, perAddress })
        {
            table.Hit(one, 10, T0);
            table.Hit(other, 10, T0);
            table.Hit(elsewhere, 1, T0);
        }

        Assert.Equal(20, per64.Get(one, T0));
        Assert.Equal(20, per64.Get(Keys.V6(0x2001_0db8_0000_0001, 0x42), T0));
        Assert.Equal(1, per64.Get(elsewhere, T0));
        Assert.Equal(10, perAddress.Get(one, T0));
        Assert.Equal(10, perAddress.Get(other, T0));

        // IPv4 clients are never grouped.
        per64.Hit(Keys.V4(192, 0, 2, 1), 3, T0);
        Assert.Equal(0, per64.Get(Keys.V4(192, 0, 2, 2), T0));
    }

    [Fact]
    public void AFullTableKeepsItsCapacityAndCountsEvictions()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity: 100));
        for (uint i = 1; i <= 1000; i++)
        {
            table.Hit(Keys.V4(i), 1, T0);
        }

        Assert.Equal(100, table.Count);
        Assert.Equal(900UL, table.Stats.Evictions);
        Assert.Equal(1000, (int)table.Stats.Evictions + table.Count);
    }

    [Fact]
    public void ATableAtCapacityStillScoresNewcomersWhereLookupsFindThem()
    {
        // At capacity a window usually has empty slots (the table is at most 3/4 full): a
        // newcomer must land where its probe finds it, or its hits never add up.
        using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity: 1000), 21, 22);
        for (uint i = 1; i <= 1000; i++)
        {
            table.Hit(Keys.V4(i), 1, T0);
        }

        for (uint i = 0; i < 200; i++)
        {
            IpKey newcomer = Keys.V4(0x0A00_0000 + i);
            for (int hit = 1; hit <= 3; hit++)
            {
                Assert.Equal(15 * hit, table.Hit(newcomer, 15, T0));
            }

            Assert.True(table.IsBlocked(table.Get(newcomer, T0)));
        }

        Assert.Equal(1000, table.Count);
        Span<StoredScore> top = new StoredScore[1000];
        int listed = table.Top(top, T0);
        Assert.Equal(listed, top[..listed].ToArray().Select(e => e.Key).Distinct().Count());
    }

    [Theory]
    [InlineData(16, 1UL)]
    [InlineData(1000, 2UL)]
    [InlineData(65536, 3UL)]
    [InlineData(200_000, 4UL)]
    [InlineData(200_000, 5UL)]
    public void ATableFilledToItsCapacityEvictsNothingAndProbesAtMost32Slots(int capacity, ulong seed)
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity), seed, seed * 31);
        for (uint i = 1; i <= capacity; i++)
        {
            table.Hit(Keys.V4(i), 20, T0);
        }

        Assert.Equal((capacity, 0UL), (table.Count, table.Stats.Evictions));
        for (uint i = 1; i <= capacity; i++)
        {
            Assert.Equal(20, table.Get(Keys.V4(i), T0));
        }

        // The README's figures: 16 to 23 slots measured at 200,000 (the hard limit is 64).
        Assert.InRange(table.LongestProbe, 1, 32);
    }

    [Fact]
    public void ATableTakes43BytesPerAddressOfItsCapacity()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity: 200_000));
        Assert.Equal(266_667, table.SlotCount);
        Assert.InRange(table.MemoryBytes / 200_000.0, 42.6, 43.0);
    }

    [Fact]
    public void AFullTableEvictsItsWeakestNeighbourOnlyWhenItIsNoHigherThanTheNewcomer()
    {
        // A known seed, so the test can pick keys that all share one home slot: the whole table
        // (32 addresses, 64 slots) is one neighbourhood.
        using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity: 32), 11, 22);
        IpKey[] colliding = CollidingKeys(table, home: 5, count: 36);
        for (int i = 0; i < 32; i++)
        {
            table.Set(colliding[i], i == 7 ? 3 : i == 20 ? 2 : 50, T0);
        }

        Assert.Equal((32, 0UL), (table.Count, table.Stats.Evictions));

        // Weaker than every entry: the newcomer is the one not kept.
        table.Hit(colliding[32], 1, T0);
        Assert.Equal((0, 2), (table.Get(colliding[32], T0), table.Get(colliding[20], T0)));

        // As weak as the weakest: the newer address takes its place.
        table.Hit(colliding[33], 2, T0);
        Assert.Equal((0, 2, 3), (table.Get(colliding[20], T0), table.Get(colliding[33], T0), table.Get(colliding[7], T0)));

        // Blocked newcomers push out the two lowest, and no blocked address.
        table.Set(colliding[34], 40, T0);
        table.Set(colliding[35], 40, T0);
        Assert.Equal((0, 0, 40, 40), (table.Get(colliding[33], T0), table.Get(colliding[7], T0), table.Get(colliding[34], T0), table.Get(colliding[35], T0)));
        for (int i = 0; i < 32; i++)
        {
            if (i is not 7 and not 20)
            {
                Assert.Equal(50, table.Get(colliding[i], T0));
            }
        }

        Assert.Equal((32, 4UL), (table.Count, table.Stats.Evictions));
    }

    [Fact]
    public void AFullTableOfBlockedAddressesGivesWayOnlyToAHigherScore()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity: 32), 3, 4);
        IpKey[] colliding = CollidingKeys(table, home: 9, count: 34);
        for (int i = 0; i < 32; i++)
        {
            table.Set(colliding[i], 100 + i, T0);
        }

        table.Hit(colliding[32], 1, T0);
        Assert.Equal((0, 100), (table.Get(colliding[32], T0), table.Get(colliding[0], T0)));

        table.Set(colliding[33], 150, T0);
        Assert.Equal((150, 0, 101), (table.Get(colliding[33], T0), table.Get(colliding[0], T0), table.Get(colliding[1], T0)));
    }

    [Fact]
    public void KeysCraftedAgainstTheSeedFillOneNeighbourhoodAndAreRefusedBeyondIt()
    {
        using ScoreTable known = ScoreTable.CreatePrivate(Spec(capacity: 4000), 1, 2);
        IpKey[] attack = CollidingKeys(known, home: 100, count: 500);
        IpKey victim = Keys.V4(203, 0, 113, 50);
        known.Hit(victim, 20, T0);

        foreach (IpKey key in attack)
        {
            known.Hit(key, 1, T0);
        }

        // Under the seed they were crafted for, the attack gets the 64 slots from its home at
        // most; the rest is refused, no entry is pushed out, and no probe grows past the limit.
        Assert.InRange(known.Count, 2, TableLayout.MaxProbe + 1);
        Assert.Equal(501UL, known.Stats.Evictions + (ulong)known.Count);
        Assert.Equal(20, known.Get(victim, T0));
        Assert.Equal(TableLayout.MaxProbe, known.LongestProbe);

        // Under any other seed (the daemon draws one at random) the same keys spread out.
        using ScoreTable other = ScoreTable.CreatePrivate(Spec(capacity: 4000));
        foreach (IpKey key in attack)
        {
            other.Hit(key, 1, T0);
        }

        Assert.Equal(500, other.Count);
        Assert.Equal(0UL, other.Stats.Evictions);
    }

    [Fact]
    public void DeletionKeepsEveryOtherKeyFindableEvenAcrossTheWrap()
    {
        // Keys whose home is the last slots, so probes and shifts wrap around to slot 0.
        using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity: 1000), 5, 6);
        int last = table.SlotCount - 1;
        var keys = new List<IpKey>();
        keys.AddRange(CollidingKeys(table, home: last - 1, count: 6));
        keys.AddRange(CollidingKeys(table, home: last, count: 6));
        keys.AddRange(CollidingKeys(table, home: 0, count: 6));
        for (int i = 0; i < keys.Count; i++)
        {
            table.Set(keys[i], i + 1, T0);
        }

        var random = new Random(7);
        var alive = new Dictionary<IpKey, int>();
        for (int i = 0; i < keys.Count; i++)
        {
            alive[keys[i]] = i + 1;
        }

        while (alive.Count > 0)
        {
            IpKey gone = alive.Keys.ElementAt(random.Next(alive.Count));
            Assert.True(table.Delete(gone));
            alive.Remove(gone);
            foreach ((IpKey key, int score) in alive)
            {
                Assert.Equal(score, table.Get(key, T0));
            }
        }

        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void RandomOperationsAgreeWithADictionary()
    {
        // Small table, many collisions, no evictions (capacity is never reached).
        using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity: 600), 8, 9);
        var model = new Dictionary<IpKey, int>();
        var random = new Random(42);
        for (int step = 0; step < 200_000; step++)
        {
            IpKey key = Keys.V4((uint)random.Next(1, 500));
            switch (random.Next(4))
            {
                case 0:
                    int points = random.Next(1, 5);
                    model[key] = model.GetValueOrDefault(key) + points;
                    Assert.Equal(model[key], table.Hit(key, points, T0));
                    break;
                case 1:
                    int value = random.Next(0, 3);
                    table.Set(key, value, T0);
                    if (value == 0)
                    {
                        model.Remove(key);
                    }
                    else
                    {
                        model[key] = value;
                    }

                    break;
                case 2:
                    Assert.Equal(model.Remove(key), table.Delete(key));
                    break;
                default:
                    Assert.Equal(model.GetValueOrDefault(key), table.Get(key, T0));
                    break;
            }
        }

        Assert.Equal(model.Count, table.Count);
        foreach ((IpKey key, int score) in model)
        {
            Assert.Equal(score, table.Get(key, T0));
        }
    }

    [Fact]
    public void SweepRemovesDecayedEntriesAndCountsBlockedOnes()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec());
        table.Hit(Keys.V4(1), 2, T0);      // gone after one day
        table.Hit(Keys.V4(2), 16, T0);     // blocked for less than a day
        table.Hit(Keys.V4(3), 40, T0);     // blocked for 8 days

        SweepResult now = table.Sweep(T0);
        Assert.Equal((3, 2, 0), (now.Entries, now.Blocked, now.Removed));
        Assert.Equal(now.BlockedFingerprint, table.Sweep(T0 + 10).BlockedFingerprint);

        SweepResult later = table.Sweep(T0 + Day);
        Assert.Equal((2, 1, 1), (later.Entries, later.Blocked, later.Removed));
        Assert.NotEqual(now.BlockedFingerprint, later.BlockedFingerprint);
        Assert.Equal(1, table.Stats.Blocked);
        Assert.Equal(37, table.Get(Keys.V4(3), T0 + Day));
    }

    [Fact]
    public void TopListsTheHighestCurrentScoresFirst()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec());
        for (uint i = 1; i <= 50; i++)
        {
            table.Hit(Keys.V4(i), (int)i, T0);
        }

        Span<StoredScore> best = new StoredScore[3];
        Assert.Equal(3, table.Top(best, T0 + Day));
        Assert.Equal(new[] { 47, 46, 45 }, best.ToArray().Select(e => e.Score));
        Assert.Equal(Keys.V4(50), best[0].Key);

        Span<StoredScore> all = new StoredScore[100];
        Assert.Equal(47, table.Top(all, T0 + Day));   // 1, 2 and 3 points decayed to 0
    }

    [Fact]
    public void OperationsAllocateNothing()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity: 2000));
        StoredScore[] top = new StoredScore[10];
        void Run(uint round)
        {
            for (uint i = 0; i < 5000; i++)
            {
                IpKey key = Keys.V4(i % 3000);
                table.Hit(key, 1, T0 + round);
                table.Get(key, T0 + round);
                if (i % 7 == 0)
                {
                    table.Delete(key);
                }

                if (i % 11 == 0)
                {
                    table.Set(key, 20, T0 + round);
                }
            }

            table.Sweep(T0 + round);
            table.Top(top, T0 + round);
        }

        Run(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (uint round = 1; round <= 5; round++)
        {
            Run(round);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task ConcurrentReadersNeverSeeATornEntry()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity: 5000), 12, 13);
        IpKey[] stable = Enumerable.Range(1, 64).Select(i => Keys.V4((uint)i)).ToArray();
        foreach (IpKey key in stable)
        {
            table.Restore(Stamped(key, 1));
        }

        using var stop = new CancellationTokenSource();
        int rounds = 0;
        var writer = Task.Run(() =>
        {
            var random = new Random(1);
            while (!stop.IsCancellationRequested)
            {
                int round = Interlocked.Increment(ref rounds);
                foreach (IpKey key in stable)
                {
                    table.Restore(Stamped(key, (round % 1000) + 1));
                }

                // Churn around them: inserts and deletions that shift entries.
                for (int i = 0; i < 64; i++)
                {
                    IpKey churn = Keys.V4((uint)random.Next(1000, 3000));
                    if ((i & 1) == 0)
                    {
                        table.Hit(churn, 1, T0);
                    }
                    else
                    {
                        table.Delete(churn);
                    }
                }
            }
        });

        // Each reader goes on for 2 s, and then until it has made its share of reads while the
        // writer went round: the counts are reached however long a loaded machine takes.
        long checkedReads = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            long reads = 0;
            while ((clock.Elapsed < TimeSpan.FromSeconds(2) || reads < 5_000 || Volatile.Read(ref rounds) < 100) && clock.Elapsed < Patience.Short)
            {
                foreach (IpKey key in stable)
                {
                    ReadOutcome outcome = table.TryRead(key, out StoredScore stored);
                    Assert.NotEqual(ReadOutcome.Absent, outcome);
                    if (outcome == ReadOutcome.Found)
                    {
                        Assert.Equal(key, stored.Key);
                        Assert.Equal(Stamped(key, stored.Score), stored);
                        reads++;
                    }
                }
            }

            Interlocked.Add(ref checkedReads, reads);
        })).ToArray();

        await Task.WhenAll(readers);
        await stop.CancelAsync();
        await writer;
        Assert.True(checkedReads >= 10_000 && rounds >= 100, $"only {checkedReads} reads, {rounds} writer rounds");
    }


    // Every field derived from the key and the score: a torn copy cannot match.
    private static StoredScore Stamped(IpKey key, int score) =>
        new(key, score, (uint)(key.Lo * 31) + (uint)score, (uint)(key.Lo * 17) ^ (uint)score);

    internal static IpKey[] CollidingKeys(ScoreTable table, int home, int count)
    {
        var keys = new List<IpKey>();
        for (uint candidate = 1; keys.Count < count; candidate++)
        {
            IpKey key = Keys.V6(0x2001_0db8_0000_0000UL | candidate, candidate);
            if (table.HomeOf(key) == (uint)home)
            {
                keys.Add(key);
            }
        }

        return [.. keys];
    }
}
