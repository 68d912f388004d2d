using Tinyfence.Proc;

namespace Tinyfence.Rules.Sources;

/// <summary>
/// /proc/stat's aggregate cpu line. The counters are cumulative; a rule turns them into the busy and
/// iowait percentages of its own last step, from the counters it kept at its previous check.
/// </summary>
public sealed class CpuSource(int firstSlot) : MetricSource(firstSlot, 2, "/proc/stat")
{
    public const int Busy = 0;
    public const int IoWait = 1;

    public CpuTimes Current { get; private set; }

    public bool IsCurrentValid { get; private set; }

    /// <summary>Writes the rule's percentages since <paramref name="previous"/> and makes the current counters its new baseline.</summary>
    public void ComputeSince(ref CpuTimes previous, ref bool hasPrevious, Readings readings)
    {
        if (!IsCurrentValid)
        {
            return;
        }

        CpuTimes now = Current;
        ulong total = now.Total - previous.Total;
        if (hasPrevious && now.Total > previous.Total)
        {
            // The counters are not strictly monotonic (the kernel documents that iowait can go
            // back; idle jumps on CPU hotplug): a counter that went back counts as 0, never as a
            // wrapped-around ulong.
            readings.Set(FirstSlot + Busy, Share(now.Busy, previous.Busy, total));
            readings.Set(FirstSlot + IoWait, Share(now.IoWait, previous.IoWait, total));
        }
        else
        {
            // First check (it only takes the counters to measure from: a start-up measured over
            // a few jiffies would read 100 %), or no time passed.
            readings.SetUnavailable(FirstSlot, 2);
        }

        previous = now;
        hasPrevious = true;
    }

    private static double Share(ulong now, ulong before, ulong total) =>
        now > before ? Math.Min((now - before) * 100.0 / total, 100) : 0;

    protected override ReadResult Read(ProcReader reader, Readings readings)
    {
        ReadResult result = reader.ReadCpuTimes(out CpuTimes times);
        IsCurrentValid = result.IsOk;
        if (result.IsOk)
        {
            Current = times;
        }

        return result;
    }
}
