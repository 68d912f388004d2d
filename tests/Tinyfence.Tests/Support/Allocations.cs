namespace Tinyfence.Tests.Support;

/// <summary>Measures what steady-state code allocates on the calling thread.</summary>
internal static class Allocations
{
    /// <summary>
    /// Runs <paramref name="round"/> <paramref name="warmUp"/> times (JIT tiers, caches), then
    /// returns the bytes this thread allocated over <paramref name="rounds"/> more, in the quietest
    /// of three such windows. The runtime now and then does a one-off piece of its own work on the
    /// calling thread (installing code its background compiler just finished, which a loaded
    /// machine can push into any window); an allocation of the code under test shows in all three.
    /// </summary>
    public static long OfRounds(Action round, int warmUp = 100, int rounds = 10_000)
    {
        for (int i = 0; i < warmUp; i++)
        {
            round();
        }

        long quietest = long.MaxValue;
        for (int window = 0; window < 3 && quietest > 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < rounds; i++)
            {
                round();
            }

            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return quietest;
    }
}
