using Tinyfence.Table;
using Xunit;

namespace Tinyfence.Tests.Table;

public sealed class TableSnapshotTests : IDisposable
{
    private const uint Day = 86400;
    private readonly string _dir = Directory.CreateTempSubdirectory("tf-snap-").FullName;

    private string SnapshotPath => Path.Combine(_dir, "spam.scores");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RoundTripKeepsScoresAndDecaysTheTimeTheDaemonWasDown()
    {
        uint t0;
        using (ScoreTable before = ScoreTable.CreatePrivate(ScoreTableTests.Spec()))
        {
            t0 = before.Now;
            before.Hit(Keys.V4(192, 0, 2, 1), 30, t0);
            before.Hit(Keys.V6(0x2001_0db8_0000_0001, 5), 7, t0);
            before.Hit(Keys.V4(192, 0, 2, 2), 1, t0);
            Assert.Equal(3, TableSnapshot.Save(before, SnapshotPath));
        }

        using ScoreTable after = ScoreTable.CreatePrivate(ScoreTableTests.Spec());
        Assert.Equal(3, TableSnapshot.Load(after, SnapshotPath, out string? problem));
        Assert.Null(problem);
        Assert.Equal(30, after.Get(Keys.V4(192, 0, 2, 1), t0));
        Assert.Equal(7, after.Get(Keys.V6(0x2001_0db8_0000_0001, 5), t0));

        // Down for two and a half days: two whole periods.
        Assert.Equal(24, after.Get(Keys.V4(192, 0, 2, 1), t0 + (5 * Day / 2)));
        Assert.Equal(1, after.Get(Keys.V6(0x2001_0db8_0000_0001, 5), t0 + (2 * Day)));
        Assert.Equal(0, after.Get(Keys.V4(192, 0, 2, 2), t0 + Day));
    }

    [Fact]
    public void AMissingSnapshotIsAnEmptyTable()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(ScoreTableTests.Spec());
        Assert.Equal(0, TableSnapshot.Load(table, SnapshotPath, out string? problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("append")]
    [InlineData("magic")]
    [InlineData("empty")]
    public void ADamagedSnapshotIsReportedKeptAsideAndNothingIsLoaded(string damage)
    {
        using (ScoreTable before = ScoreTable.CreatePrivate(ScoreTableTests.Spec()))
        {
            for (uint i = 1; i <= 100; i++)
            {
                before.Hit(Keys.V4(i), 20, before.Now);
            }

            TableSnapshot.Save(before, SnapshotPath);
        }

        byte[] bytes = File.ReadAllBytes(SnapshotPath);
        byte[] damaged = damage switch
        {
            "flip" => Flip(bytes, 1000),
            "truncate" => bytes[..^30],
            "append" => [.. bytes, 0, 0, 0, 0],
            "magic" => Flip(bytes, 0),
            _ => [],
        };
        File.WriteAllBytes(SnapshotPath, damaged);

        using ScoreTable after = ScoreTable.CreatePrivate(ScoreTableTests.Spec());
        Assert.Equal(0, TableSnapshot.Load(after, SnapshotPath, out string? problem));
        Assert.NotNull(problem);
        Assert.Contains("spam.scores", problem, StringComparison.Ordinal);
        Assert.Equal(0, after.Count);
        Assert.False(File.Exists(SnapshotPath));
        string aside = Assert.Single(Directory.GetFiles(_dir, "spam.scores.corrupt-*"));
        Assert.Equal(damaged, File.ReadAllBytes(aside));
    }

    [Fact]
    public void SavingReplacesTheOldSnapshotAndLeavesNoTemporaryFile()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(ScoreTableTests.Spec());
        table.Hit(Keys.V4(1), 5, table.Now);
        TableSnapshot.Save(table, SnapshotPath);
        table.Hit(Keys.V4(2), 5, table.Now);
        Assert.Equal(2, TableSnapshot.Save(table, SnapshotPath));
        Assert.Equal(["spam.scores"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void ASmallerTableKeepsWhatFits()
    {
        using (ScoreTable big = ScoreTable.CreatePrivate(ScoreTableTests.Spec(capacity: 1000)))
        {
            for (uint i = 1; i <= 500; i++)
            {
                big.Hit(Keys.V4(i), (int)i, big.Now);
            }

            TableSnapshot.Save(big, SnapshotPath);
        }

        using ScoreTable small = ScoreTable.CreatePrivate(ScoreTableTests.Spec(capacity: 100));
        TableSnapshot.Load(small, SnapshotPath, out string? problem);
        Assert.Null(problem);
        Assert.Equal(100, small.Count);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        byte[] copy = [.. bytes];
        copy[at] ^= 0x40;
        return copy;
    }
}
