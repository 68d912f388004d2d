using Tinyfence.Proc;

namespace Tinyfence.Rules.Sources;

/// <summary>nproc with its user and state filters: one scan of the proc root's PID directories.</summary>
public sealed class ProcessCountSource(int firstSlot, ProcessFilter filter, string description)
    : MetricSource(firstSlot, 1, description)
{
    protected override ReadResult Read(ProcReader reader, Readings readings)
    {
        ReadResult result = reader.CountProcesses(filter, out int count);
        if (result.IsOk)
        {
            readings.Set(FirstSlot, count);
        }

        return result;
    }
}
