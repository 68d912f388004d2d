using Tinyfence.Testing;

namespace Tinyfence.Tests.Apache;

/// <summary>
/// The seed's mod_security arithmetic, pinned to the point and to the second through a real
/// Apache with the shipped <c>tinyfence-prg.conf</c> and <c>tinyfence.conf</c> (<c>block above
/// 15</c>, <c>decay 3 per 1d</c>, the filter's <c>--add 30</c>, the map's <c>--hit-blocked 1</c>).
/// A class (and so an Apache and a daemon) of its own: it needs a clock that no other test moved.
/// </summary>
public sealed class SeedArithmeticTests
{
    private const int Day = 86_400;
    private const int Tries = 3;

    [Fact]
    public async Task ASpamPostAddsItsPointsEachBlockedTryOneAndDecayTakesThreeAtEachWholeDay()
    {
        const string Spammer = "192.0.2.90";
        using var site = new TinyfenceSite("tinyfence-prg.conf", testClock: true);
        Assert.Equal(200, await site.StatusAsync(Spammer));
        Assert.Equal(0, site.ScoreOf(Spammer)); // a request that passes scores nothing

        // The map checks before the body is read: the POST itself passes, its body adds the points.
        ApacheReply spam = await site.Apache.PostAsync("/comments", TinyfenceSite.SpamBody, Spammer);
        Assert.True(spam.Status is 404 or 405, $"{spam}\n{site.Apache.Describe()}");
        Assert.Equal(TinyfenceSite.SpamPoints, site.ScoreOf(Spammer));

        for (int i = 1; i <= Tries; i++)
        {
            Assert.Equal(403, await site.StatusAsync(Spammer));
            site.WaitForScore(Spammer, TinyfenceSite.SpamPoints + i); // fails if it went past
        }

        int score = TinyfenceSite.SpamPoints + Tries;
        Thread.Sleep(300);
        Assert.Equal(score, site.ScoreOf(Spammer)); // none counted twice

        // deprecatevar:IP.spam=3/86400: nothing before a whole day, 3 at it; a read (GET) in
        // between neither decays nor restarts the day.
        for (int day = 1; day <= 2; day++)
        {
            Advance(site, Day - 1);
            Assert.Equal(score, site.ScoreOf(Spammer));
            Advance(site, 1);
            score -= 3;
            Assert.Equal(score, site.ScoreOf(Spammer));
        }

        // Still above 15: the next try is refused and is exactly one point more.
        Assert.Equal(403, await site.StatusAsync(Spammer));
        site.WaitForScore(Spammer, score + 1);
    }

    private static void Advance(TinyfenceSite site, int seconds) => Assert.Equal("OK", site.Score($"ADVANCE {seconds}"));
}
