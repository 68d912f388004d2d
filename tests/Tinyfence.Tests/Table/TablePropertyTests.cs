using CsCheck;
using Tinyfence.Table;

namespace Tinyfence.Tests.Table;

/// <summary>
/// The table's promises over random sequences (CsCheck: a failure prints the seed that replays
/// it, and the shrunk sequence). Each sample builds its own small table.
/// </summary>
public sealed class TablePropertyTests : IDisposable
{
    private const uint T0 = 1_700_000_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("tf-props-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TableSpec Spec(int capacity, int points, uint period) =>
        new("spam", capacity, points, period, BlockAbove: 15, IPv6PrefixBits: 128);

    private static readonly Gen<IpKey> s_key = Gen.OneOf(
        Gen.UInt[1, 200].Select(Keys.V4),
        Gen.ULong[1, 50].Select(n => Keys.V6(0x2001_0db8_0000_0000UL | n, n * 7919)));

    /// <summary>A clock step (seconds) and the points of a hit there (0: only a read).</summary>
    private static readonly Gen<(uint Step, int Points)[]> s_hits =
        Gen.Select(Gen.UInt[0, 300], Gen.Frequency((1, Gen.Const(0)), (3, Gen.Int[1, 20]))).Array[1, 60];

    [Fact]
    public void DecayIsDeprecatevarArithmeticForAnySequenceOfHitsAndClockSteps()
    {
        Gen.Select(Gen.Int[1, 5], Gen.UInt[1, 60], s_hits, Gen.Bool).Sample((points, period, hits, sweep) =>
        {
            using ScoreTable table = ScoreTable.CreatePrivate(Spec(64, points, period));
            IpKey key = Keys.V4(198, 51, 100, 7);

            // mod_security's deprecatevar, one period at a time: every whole period since the score
            // started (or last lost points) takes `points` off, never below 0; a hit on a score of
            // 0 starts afresh, a hit on a live score keeps the started period.
            int score = 0;
            uint periodStart = 0;
            uint now = T0;
            foreach ((uint step, int hitPoints) in hits)
            {
                now += step;
                while (score > 0 && now >= periodStart + period)
                {
                    periodStart += period;
                    score = Math.Max(0, score - points);
                }

                if (sweep)
                {
                    table.Sweep(now);
                }

                Assert.Equal(score, table.Get(key, now));
                if (hitPoints > 0)
                {
                    if (score == 0)
                    {
                        periodStart = now;
                    }

                    score += hitPoints;
                    Assert.Equal(score, table.Hit(key, hitPoints, now));
                }
            }
        });
    }

    private enum Op
    {
        Hit,
        Set,
        Delete,
        Sweep,
    }

    private static readonly Gen<(Op Op, IpKey Key, int Points, int Step)[]> s_operations =
        Gen.Select(
            Gen.Frequency((6, Gen.Const(Op.Hit)), (2, Gen.Const(Op.Set)), (1, Gen.Const(Op.Delete)), (1, Gen.Const(Op.Sweep))),
            s_key,
            Gen.Int[0, 8],
            Gen.Frequency((9, Gen.Int[0, 300]), (1, Gen.Int[0, 4 * 3600]))).Array[1, 400];

    [Fact]
    public void ATableNeverHoldsMoreThanItsCapacityNorEvictsBeforeItIsFullAndEvictsOnlyTheWeakest()
    {
        // Up to 48 addresses a table has 64 slots: every newcomer's neighbourhood is the whole
        // table, so "the weakest of the neighbourhood" is the weakest of all, which the test can see.
        Gen.Select(Gen.Int[16, 48], Gen.ULong, s_operations).Sample((capacity, seed, operations) =>
        {
            using ScoreTable table = ScoreTable.CreatePrivate(Spec(capacity, 3, 3600), seed, ~seed);
            uint now = T0;
            foreach ((Op op, IpKey key, int points, int step) in operations)
            {
                now += (uint)step;
                Dictionary<IpKey, int> before = Contents(table, now);
                ulong evictionsBefore = table.Stats.Evictions;
                int newcomerScore = op == Op.Hit ? Math.Max(1, points) : points;
                bool newcomer = op is Op.Hit or Op.Set && newcomerScore > 0 && !before.ContainsKey(key);
                switch (op)
                {
                    case Op.Hit:
                        table.Hit(key, newcomerScore, now);
                        break;
                    case Op.Set:
                        table.Set(key, points, now);
                        break;
                    case Op.Delete:
                        table.Delete(key);
                        break;
                    default:
                        table.Sweep(now);
                        break;
                }

                Dictionary<IpKey, int> after = Contents(table, now);
                Assert.True(table.Count <= capacity, $"{table.Count} entries in a table of {capacity}");
                Assert.Equal(after.Count, table.Count);
                ulong evicted = table.Stats.Evictions - evictionsBefore;
                if (!newcomer || before.Count < capacity)
                {
                    Assert.Equal(0UL, evicted);
                    Assert.Equal(newcomer, after.ContainsKey(key) && !before.ContainsKey(key));
                    continue;
                }

                // Full: exactly one address lost its score, and nobody stronger than the newcomer.
                Assert.Equal(1UL, evicted);
                Assert.Equal(capacity, after.Count);
                int weakest = before.Values.Min();
                IpKey[] lost = [.. before.Keys.Where(k => !after.ContainsKey(k))];
                if (after.ContainsKey(key))
                {
                    IpKey victim = Assert.Single(lost);
                    Assert.Equal(weakest, before[victim]);
                    Assert.True(weakest <= newcomerScore, $"evicted {weakest} points for a newcomer of {newcomerScore}");
                }
                else
                {
                    Assert.Empty(lost);
                    Assert.True(weakest > newcomerScore, $"refused a newcomer of {newcomerScore} while {weakest} was kept");
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void ASnapshotRoundTripsEveryEntryBitForBitEvenUnderAnotherSeed()
    {
        Gen<StoredScore> entry = Gen.Select(s_key, Gen.Int[1, TableSpec.MaxScore], Gen.UInt[0, 10 * 3600], Gen.UInt[0, 10 * 3600])
            .Select((key, score, age, lastHitAge) => new StoredScore(key, score, T0 - age, T0 - lastHitAge));
        Gen.Select(Gen.Int[16, 300], entry.Array[0, 300]).Sample((capacity, entries) =>
        {
            // Decay off: the two snapshots are taken a moment apart, and must hold the same entries.
            var spec = Spec(capacity, 0, 3600);
            using ScoreTable before = ScoreTable.CreatePrivate(spec);
            foreach (StoredScore stored in entries)
            {
                before.Restore(stored);
            }

            string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.scores");
            int saved = TableSnapshot.Save(before, path);
            using ScoreTable after = ScoreTable.CreatePrivate(spec);
            Assert.Equal(saved, TableSnapshot.Load(after, path, out string? problem));
            Assert.Null(problem);
            Assert.Equal(before.Count, after.Count);
            Assert.Equal(0UL, after.Stats.Evictions);

            // Every record of the file is an entry of the new table, as it was stored.
            Assert.Equal(Records(path), Records(path, after));
            File.Delete(path);
        }, iter: 100);
    }

    /// <summary>Every entry of the table with its score now, 0 for those decayed but not yet swept.</summary>
    private static Dictionary<IpKey, int> Contents(ScoreTable table, uint now)
    {
        var contents = new ContentsVisitor(new Dictionary<IpKey, int>());
        table.ForEach(now, ref contents);
        return contents.Scores;
    }

    private readonly record struct ContentsVisitor(Dictionary<IpKey, int> Scores) : IEntryVisitor
    {
        public void Visit(in StoredScore entry, int scoreNow) => Scores.Add(entry.Key, scoreNow);
    }

    /// <summary>The snapshot's records, as raw bytes, sorted.</summary>
    private static string[] Records(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        return [.. file.AsSpan(24, file.Length - 32).ToArray().Chunk(28).Select(Convert.ToHexString).Order(StringComparer.Ordinal)];
    }

    /// <summary>The records of a snapshot of <paramref name="table"/> taken beside <paramref name="path"/>.</summary>
    private static string[] Records(string path, ScoreTable table)
    {
        string again = path + ".again";
        TableSnapshot.Save(table, again);
        string[] records = Records(again);
        File.Delete(again);
        return records;
    }
}
