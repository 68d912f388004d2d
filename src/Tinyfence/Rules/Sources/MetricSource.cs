using Tinyfence.Logging;
using Tinyfence.Proc;

namespace Tinyfence.Rules.Sources;

/// <summary>
/// One /proc file (or statvfs call) that fills a block of reading slots. Read at most once per
/// tick, and only when a due rule needs it. Tells the log once when it becomes unavailable and
/// once when it is back, so a kernel without PSI gives one clear line, not one per check.
/// </summary>
public abstract class MetricSource
{
    private ReadStatus _lastStatus = ReadStatus.Ok;
    private bool _reportedOnce;

    protected MetricSource(int firstSlot, int slotCount, string description)
    {
        FirstSlot = firstSlot;
        SlotCount = slotCount;
        Description = description;
    }

    public int FirstSlot { get; }

    public int SlotCount { get; }

    /// <summary>What is read, for messages: <c>/proc/pressure/memory</c>.</summary>
    public string Description { get; }

    public void Sample(ProcReader reader, Readings readings, Logger log)
    {
        ReadResult result = Read(reader, readings);
        if (!result.IsOk)
        {
            readings.SetUnavailable(FirstSlot, SlotCount);
        }

        if (result.Status != _lastStatus || (!result.IsOk && !_reportedOnce))
        {
            ReportChange(result, log);
        }
    }

    /// <summary>Reads and fills the slots; on failure the caller marks them all unavailable.</summary>
    protected abstract ReadResult Read(ProcReader reader, Readings readings);

    private void ReportChange(ReadResult result, Logger log)
    {
        if (result.IsOk)
        {
            log.Notice($"{Description}: readable again; rules using it are checked again");
        }
        else
        {
            log.Warning($"{Description}: unavailable ({result.Describe()}); conditions on it count as unknown and neither fire nor recover");
        }

        _lastStatus = result.Status;
        _reportedOnce = true;
    }
}
