using Tinyfence.Table;

namespace Tinyfence.Tests.Table;

/// <summary>
/// Scores decay on wall-clock time (they must survive restarts and be read by other processes),
/// and the wall clock can jump: NTP stepping it, an admin setting it, a VM resumed.
/// </summary>
public class ClockJumpTests
{
    private const uint Day = 86400;

    [Fact]
    public void TheClockGoingBackNeitherDecaysNorRaisesAScoreAndDecayResumesWhenItPassesAgain()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(ScoreTableTests.Spec());
        IpKey address = Keys.V4(192, 0, 2, 1);
        uint t = 2_000_000_000;
        Assert.Equal(30, table.Hit(address, 30, t));

        // A week back: the score is what it was, and a hit adds to it without any decay.
        Assert.Equal(30, table.Get(address, t - (7 * Day)));
        Assert.Equal(31, table.Hit(address, 1, t - (7 * Day)));

        // Back at the time it decayed from, then on: whole days count from there, as before the jump.
        Assert.Equal(31, table.Get(address, t + Day - 1));
        Assert.Equal(28, table.Get(address, t + Day));
        Assert.Equal(25, table.Get(address, t + (2 * Day)));
    }

    [Fact]
    public void TheClockJumpingForwardDecaysByTheWholePeriodsItSkipped()
    {
        using ScoreTable table = ScoreTable.CreatePrivate(ScoreTableTests.Spec());
        IpKey address = Keys.V4(192, 0, 2, 1);
        uint t = 2_000_000_000;
        table.Hit(address, 30, t);

        Assert.Equal(18, table.Get(address, t + (4 * Day) + 5));
        Assert.Equal(0, table.Get(address, t + (365 * Day)));
    }
}
