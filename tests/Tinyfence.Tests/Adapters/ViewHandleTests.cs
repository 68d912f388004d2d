using Tinyfence.Adapters;
using Tinyfence.Table;
using Tinyfence.Testing;
using Tinyfence.Tests.Table;
using Xunit;

namespace Tinyfence.Tests.Adapters;

public sealed class ViewHandleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tf-vh-").FullName;

    private string ViewPath => Path.Combine(_dir, "spam.table");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AFileReplacedWithoutBeingRetiredIsReopened()
    {
        using ScoreTable first = ScoreTable.CreateShared(ScoreTableTests.Spec(), ViewPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        first.Hit(Keys.V4(1), 5, first.Now);
        using var handle = new ViewHandle(ViewPath);
        Assert.True(handle.Current!.TryGetScore(Keys.V4(1), first.Now, out int score));
        Assert.Equal(5, score);

        // The run directory emptied behind the daemon's back, then a new table at the same path:
        // nobody marked the old file retired.
        File.Delete(ViewPath);
        using ScoreTable second = ScoreTable.CreateShared(ScoreTableTests.Spec(), ViewPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        second.Hit(Keys.V4(1), 9, second.Now);
        Assert.False(first.ViewPath is null);

        Patience.WaitUntil(() =>
        {
            Assert.True(handle.Current!.TryGetScore(Keys.V4(1), second.Now, out score));
            return score == 9;
        }, "score 9 from the new file", intervalMs: 100);
    }

    [Fact]
    public void ATableThatAppearsLaterIsPickedUp()
    {
        using var handle = new ViewHandle(ViewPath);
        Assert.Null(handle.Current);
        using ScoreTable table = ScoreTable.CreateShared(ScoreTableTests.Spec(), ViewPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Patience.WaitUntil(() => handle.Current is not null, "view of the new table", intervalMs: 100);
    }
}
