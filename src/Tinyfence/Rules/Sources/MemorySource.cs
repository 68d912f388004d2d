using Tinyfence.Logging;
using Tinyfence.Proc;

namespace Tinyfence.Rules.Sources;

/// <summary>
/// /proc/meminfo: memory and swap in bytes, then the same five as percentages of their totals.
/// Clamped to [0, total]: inside some containers MemFree + Buffers + Cached exceeds MemTotal, and
/// sysfence then printed absurd used-memory figures.
/// </summary>
public sealed class MemorySource(int firstSlot, Logger log) : MetricSource(firstSlot, SlotsPerSource, "/proc/meminfo")
{
    public const int MemFree = 0;
    public const int MemUsed = 1;
    public const int MemAvail = 2;
    public const int SwapFree = 3;
    public const int SwapUsed = 4;

    /// <summary>Added to a slot offset to get the same figure as a percentage.</summary>
    public const int Percent = 5;

    public const int SlotsPerSource = 10;

    private bool _warnedNoMemAvailable;

    protected override ReadResult Read(ProcReader reader, Readings readings)
    {
        ReadResult result = reader.ReadMemInfo(out MemInfo info);
        if (!result.IsOk)
        {
            return result;
        }

        double total = info.MemTotalKiB * 1024.0;
        double free = Math.Min((info.MemFreeKiB + info.BuffersKiB + info.CachedKiB) * 1024.0, total);
        double available = free;
        if (info.HasMemAvailable)
        {
            available = Math.Min(info.MemAvailableKiB * 1024.0, total);
        }
        else if (!_warnedNoMemAvailable)
        {
            // Kernels before 3.14 have no MemAvailable; earlyoom falls back the same way.
            _warnedNoMemAvailable = true;
            log.Warning("/proc/meminfo has no MemAvailable (kernel before 3.14): memavail uses MemFree + Buffers + Cached instead");
        }

        double swapTotal = info.SwapTotalKiB * 1024.0;
        double swapFree = Math.Min(info.SwapFreeKiB * 1024.0, swapTotal);

        Span<double> bytes = [free, total - free, available, swapFree, swapTotal - swapFree];
        for (int i = 0; i < bytes.Length; i++)
        {
            readings.Set(FirstSlot + i, bytes[i]);
        }

        readings.Set(FirstSlot + Percent + MemFree, Share(free, total));
        readings.Set(FirstSlot + Percent + MemUsed, Share(total - free, total));
        readings.Set(FirstSlot + Percent + MemAvail, Share(available, total));

        // With no swap at all nothing is "running out of swap": 100 % free, 0 % used.
        readings.Set(FirstSlot + Percent + SwapFree, swapTotal > 0 ? Share(swapFree, swapTotal) : 100);
        readings.Set(FirstSlot + Percent + SwapUsed, swapTotal > 0 ? Share(swapTotal - swapFree, swapTotal) : 0);
        return result;
    }

    private static double Share(double part, double total) => total > 0 ? part * 100 / total : 0;
}
