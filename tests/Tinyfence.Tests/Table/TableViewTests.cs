using Tinyfence.Table;
using Xunit;

namespace Tinyfence.Tests.Table;

public sealed class TableViewTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tf-view-").FullName;

    private string ViewPath => Path.Combine(_dir, "spam.table");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AReaderSeesTheDaemonsScoresDecayedWithTheDaemonsClock()
    {
        using ScoreTable table = ScoreTable.CreateShared(ScoreTableTests.Spec(prefix: 64), ViewPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        uint now = table.Now;
        table.Hit(Keys.V4(192, 0, 2, 1), 20, now);
        table.Hit(Keys.V6(0x2001_0db8_0000_0001, 1), 9, now);

        using TableView view = TableView.TryOpen(ViewPath) ?? throw new InvalidOperationException("no view");
        Assert.Equal((3, 86400U, 15, 64), (view.DecayPoints, view.DecayPeriodSeconds, view.BlockAbove, view.IPv6PrefixBits));
        Assert.True(view.TryGetScore(Keys.V4(192, 0, 2, 1), view.Now, out int score));
        Assert.Equal(20, score);
        Assert.True(view.TryGetScore(Keys.V6(0x2001_0db8_0000_0001, 0xffff), view.Now, out score));
        Assert.Equal(9, score);
        Assert.True(view.TryGetScore(Keys.V4(192, 0, 2, 9), view.Now, out score));
        Assert.Equal(0, score);

        // The daemon's test clock moves the readers' clock too.
        table.ClockOffset = 86400;
        Assert.Equal(now + 86400, view.Now, tolerance: 2);
        Assert.True(view.TryGetScore(Keys.V4(192, 0, 2, 1), view.Now, out score));
        Assert.Equal(17, score);
    }

    [Fact]
    public void AReplacedTableRetiresTheOldFileAndThePathOpensTheNewOne()
    {
        using ScoreTable first = ScoreTable.CreateShared(ScoreTableTests.Spec(capacity: 100), ViewPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        first.Hit(Keys.V4(1), 5, first.Now);
        using TableView old = TableView.TryOpen(ViewPath)!;
        Assert.False(old.IsRetired);

        using ScoreTable second = ScoreTable.CreateShared(ScoreTableTests.Spec(capacity: 5000), ViewPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        second.Hit(Keys.V4(1), 7, second.Now);
        Assert.True(old.IsRetired);

        using TableView reopened = TableView.TryOpen(ViewPath)!;
        Assert.False(reopened.IsRetired);
        Assert.Equal(5000, reopened.Capacity);
        Assert.True(reopened.TryGetScore(Keys.V4(1), reopened.Now, out int score));
        Assert.Equal(7, score);

        // The old mapping still answers from its last state.
        Assert.True(old.TryGetScore(Keys.V4(1), old.Now, out score));
        Assert.Equal(5, score);
    }

    [Fact]
    public void FilesThatAreNotTablesAreRefused()
    {
        Assert.Null(TableView.TryOpen(ViewPath));
        File.WriteAllBytes(ViewPath, new byte[4096]);
        Assert.Null(TableView.TryOpen(ViewPath));
        File.WriteAllBytes(ViewPath, [1, 2, 3]);
        Assert.Null(TableView.TryOpen(ViewPath));
    }

    [Fact]
    public void AViewFileCutShortIsRefused()
    {
        using (ScoreTable.CreateShared(ScoreTableTests.Spec(), ViewPath, UnixFileMode.UserRead | UnixFileMode.UserWrite))
        {
        }

        byte[] bytes = File.ReadAllBytes(ViewPath);
        File.WriteAllBytes(ViewPath, bytes[..4096]);
        Assert.Null(TableView.TryOpen(ViewPath));
    }

    [Fact]
    public void AWriterStoppedInTheMiddleOfADeletionStillLetsReadersFindPresentKeys()
    {
        using ScoreTable table = ScoreTable.CreateShared(ScoreTableTests.Spec(), ViewPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        table.Set(Keys.V4(1), 20, table.Now);
        using TableView view = TableView.TryOpen(ViewPath)!;

        // The structure sequence left odd, as by a daemon killed while a deletion shifted entries.
        using (var file = new FileStream(ViewPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            file.Position = 68;
            file.Write(BitConverter.GetBytes(1u));
        }

        Assert.True(view.TryGetScore(Keys.V4(1), view.Now, out int score));
        Assert.Equal(20, score);

        // An absent key cannot be told from one in flight: unknown, and after one bounded wait
        // the next lookups answer at once instead of waiting each time.
        Assert.False(view.TryGetScore(Keys.V4(2), view.Now, out _));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 100; i++)
        {
            Assert.False(view.TryGetScore(Keys.V4(2), view.Now, out _));
        }

        // Waiting each time would take 100 waits: the bound is what that costs at the least, not
        // how fast a lookup is.
        Assert.True(clock.ElapsedMilliseconds < TableView.PatientWaitMs * 100, $"100 lookups took {clock.ElapsedMilliseconds} ms");
        Assert.True(view.TryGetScore(Keys.V4(1), view.Now, out score));
    }
}
