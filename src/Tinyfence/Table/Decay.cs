namespace Tinyfence.Table;

/// <summary>
/// The decay of mod_security's <c>deprecatevar:IP.spam=3/86400</c>: a score loses
/// <c>points</c> for every whole <c>period</c> since it was last decayed, never going below 0.
/// Applied lazily, on access, by the daemon and by every reader alike, from the stored score and
/// the time it was decayed to; the remainder of a started period is kept, so hits in between do
/// not postpone the next step.
/// </summary>
public static class Decay
{
    public static int ScoreAt(int score, uint decayedAt, uint now, int points, uint period)
    {
        if (points == 0 || score <= 0 || now <= decayedAt)
        {
            return Math.Max(score, 0);
        }

        long steps = (now - decayedAt) / period;
        long left = score - steps * points;
        return left > 0 ? (int)left : 0;
    }

    /// <summary>
    /// The time a score decayed to <paramref name="now"/> counts from: the start of the current
    /// period, or <paramref name="now"/> when the score has reached 0 (a new score starts afresh).
    /// </summary>
    public static uint DecayedTo(int scoreNow, uint decayedAt, uint now, int points, uint period)
    {
        if (points == 0 || scoreNow == 0 || now <= decayedAt)
        {
            return scoreNow == 0 ? now : decayedAt;
        }

        return decayedAt + ((now - decayedAt) / period * period);
    }
}
