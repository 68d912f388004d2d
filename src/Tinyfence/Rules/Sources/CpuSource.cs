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
            readings.Set(FirstSlot + Busy, (now.Busy - previous.Busy) * 100.0 / total);
            readings.Set(FirstSlot + IoWait, (now.IoWait - previous.IoWait) * 100.0 / total);
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
