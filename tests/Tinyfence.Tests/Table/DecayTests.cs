using Tinyfence.Table;
using Xunit;

namespace Tinyfence.Tests.Table;

public class DecayTests
{
    private const uint Day = 86400;
    private const uint T0 = 1_700_000_000;

    [Theory]
    [InlineData(16, 0, 16)]
    [InlineData(16, Day - 1, 16)]      // a started period takes nothing
    [InlineData(16, Day, 13)]
    [InlineData(16, 2 * Day + 5, 10)]
    [InlineData(16, 5 * Day, 1)]
    [InlineData(16, 6 * Day, 0)]       // never below 0
    [InlineData(16, 600 * Day, 0)]
    [InlineData(0, Day, 0)]
    public void LosesThePointsOfEveryWholePeriod(int score, uint elapsed, int expected) =>
        Assert.Equal(expected, Decay.ScoreAt(score, T0, T0 + elapsed, points: 3, period: Day));

    [Fact]
    public void NoDecayWhenPointsAreZeroOrTheClockWentBack()
    {
        Assert.Equal(16, Decay.ScoreAt(16, T0, T0 + (100 * Day), points: 0, period: Day));
        Assert.Equal(16, Decay.ScoreAt(16, T0, T0 - 5000, points: 3, period: Day));
    }

    [Fact]
    public void KeepsTheStartedPeriodSoHitsDoNotPostponeDecay()
    {
        // 16 at T0; a hit at T0 + 1.5 days finds 13 and makes 14, decayed to T0 + 1 day.
        uint hitAt = T0 + Day + (Day / 2);
        int scoreThen = Decay.ScoreAt(16, T0, hitAt, 3, Day);
        uint decayedTo = Decay.DecayedTo(scoreThen, T0, hitAt, 3, Day);
        Assert.Equal(13, scoreThen);
        Assert.Equal(T0 + Day, decayedTo);

        // At T0 + 2 days the next step is due: 14 - 3.
        Assert.Equal(11, Decay.ScoreAt(scoreThen + 1, decayedTo, T0 + (2 * Day), 3, Day));
    }

    [Fact]
    public void AScoreThatReachedZeroStartsAfresh() =>
        Assert.Equal(T0 + (10 * Day) + 7, Decay.DecayedTo(0, T0, T0 + (10 * Day) + 7, 3, Day));

    [Fact]
    public void SaturatesInsteadOfOverflowing() =>
        Assert.Equal(0, Decay.ScoreAt(int.MaxValue, 0, uint.MaxValue, int.MaxValue, 1));
}
