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
        // between neither decays nor restarts the day. The table's clock is the wall clock's
        // second plus what ADVANCE added, and the day counts from the second the score was
        // written: each day starts with the score written again at the start of a second, and
        // is tried again if the machine was too slow to check it within that second.
        for (int day = 1; day <= 2; day++)
        {
            int expected = score;
            Patience.WaitUntil(() => DayDecaysAtItsLastSecond(site, Spammer, expected), $"day {day} checked within one second of the wall clock");
            score -= 3;
        }

        // Still above 15: the next try is refused and is exactly one point more.
        Assert.Equal(403, await site.StatusAsync(Spammer));
        site.WaitForScore(Spammer, score + 1);
    }

    /// <summary>False when the wall clock's second changed during the checks (the day's start is then unknown).</summary>
    private static bool DayDecaysAtItsLastSecond(TinyfenceSite site, string address, int score)
    {
        Thread.Sleep(1000 - (int)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 1000));
        long second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal("OK", site.Score($"SET {TinyfenceSite.Table} {address} {score}"));
        Advance(site, Day - 1);
        int beforeTheDay = site.ScoreOf(address);
        Advance(site, 1);
        int atTheDay = site.ScoreOf(address);
        if (DateTimeOffset.UtcNow.ToUnixTimeSeconds() != second)
        {
            return false;
        }

        Assert.Equal((score, score - 3), (beforeTheDay, atTheDay));
        return true;
    }

    private static void Advance(TinyfenceSite site, int seconds) => Assert.Equal("OK", site.Score($"ADVANCE {seconds}"));
}
