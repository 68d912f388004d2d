using Tinyfence.Table;

namespace Tinyfence.Firewall;

/// <summary>When an address's block ends by decay alone: the element's timeout in the kernel set.</summary>
internal static class BlockEnd
{
    /// <summary>
    /// The table second at which the score, decaying from <paramref name="scoreNow"/>, is no
    /// longer above the threshold; <see cref="uint.MaxValue"/> when scores never decay.
    /// </summary>
    public static uint At(TableSpec spec, in StoredScore entry, int scoreNow, uint now)
    {
        if (spec.DecayPoints == 0)
        {
            return uint.MaxValue;
        }

        uint period = spec.DecayPeriodSeconds;
        uint from = Decay.DecayedTo(scoreNow, entry.DecayedAt, now, spec.DecayPoints, period);
        long steps = ((long)scoreNow - spec.BlockAbove + spec.DecayPoints - 1) / spec.DecayPoints;
        return (uint)Math.Clamp(from + (steps * period), now + 1L, uint.MaxValue);
    }
}
