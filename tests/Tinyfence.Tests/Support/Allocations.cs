namespace Tinyfence.Tests.Support;

/// <summary>Measures what steady-state code allocates on the calling thread.</summary>
internal static class Allocations
{
    /// <summary>
    /// Runs <paramref name="round"/> <paramref name="warmUp"/> times (JIT tiers, caches), then
    /// returns the bytes this thread allocated over <paramref name="rounds"/> more.
    /// </summary>
    public static long OfRounds(Action round, int warmUp = 100, int rounds = 10_000)
    {
        for (int i = 0; i < warmUp; i++)
        {
            round();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < rounds; i++)
        {
            round();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
