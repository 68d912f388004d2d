using Tinyfence.Interop;
using Tinyfence.Proc;

namespace Tinyfence.Rules.Sources;

/// <summary>
/// A score table's figures: addresses with a score, and those blocked (counted by the daemon's
/// once-a-second sweep). Unavailable when the daemon serves no such table (a --once check).
/// </summary>
public sealed class TableSource(int firstSlot, string table, ITableFigures? tables)
    : MetricSource(firstSlot, SlotsPerSource, $"score table \"{table}\"")
{
    public const int Scored = 0;
    public const int Blocked = 1;
    public const int SlotsPerSource = 2;

    protected override ReadResult Read(ProcReader reader, Readings readings)
    {
        if (tables is null || !tables.TryGetFigures(table, out int scored, out int blocked))
        {
            return ReadResult.FromErrno(Errno.ENOENT);
        }

        readings.Set(FirstSlot + Scored, scored);
        readings.Set(FirstSlot + Blocked, blocked);
        return ReadResult.Ok;
    }
}
