using Tinyfence.Proc;

namespace Tinyfence.Rules.Sources;

/// <summary>/proc/loadavg: la1, la5, la15.</summary>
public sealed class LoadSource(int firstSlot) : MetricSource(firstSlot, 3, "/proc/loadavg")
{
    protected override ReadResult Read(ProcReader reader, Readings readings)
    {
        ReadResult result = reader.ReadLoadAverage(out LoadAverage load);
        if (result.IsOk)
        {
            readings.Set(FirstSlot, load.One);
            readings.Set(FirstSlot + 1, load.Five);
            readings.Set(FirstSlot + 2, load.Fifteen);
        }

        return result;
    }
}
