namespace Tinyfence.Proc;

/// <summary>
/// Parses the aggregate line of <c>/proc/stat</c>:
/// <c>"cpu  7871 0 2114 62455 325 0 63 41 0 0"</c> (user nice system idle iowait irq softirq
/// steal guest guest_nice). The per-CPU lines (<c>cpu0</c>…) and the rest of the file are
/// ignored.
/// </summary>
/// <remarks>
/// At least the four columns of Linux 2.4 are required; columns an older kernel does not print
/// are zero, columns after steal are ignored. Only the first "cpu " line is read: the kernel
/// prints the aggregate first.
/// </remarks>
public static class CpuStatParser
{
    private const int MinimumColumns = 4;

    public static bool TryParse(ReadOnlySpan<byte> text, out CpuTimes value)
    {
        value = default;
        while (ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line))
        {
            if (line.Length < 4 || !line.StartsWith("cpu"u8) || !ProcText.IsBlank(line[3]))
            {
                continue;
            }

            return TryParseColumns(line[4..], out value);
        }

        return false;
    }

    private static bool TryParseColumns(ReadOnlySpan<byte> columns, out CpuTimes value)
    {
        value = default;
        Span<ulong> ticks = stackalloc ulong[8];
        int count = 0;
        while (true)
        {
            columns = ProcText.TrimStartBlanks(columns);
            if (columns.IsEmpty || count == ticks.Length)
            {
                break;
            }

            if (!ProcText.TryReadUInt64(ref columns, out ticks[count]))
            {
                return false;
            }

            count++;
        }

        if (count < MinimumColumns)
        {
            return false;
        }

        value = new CpuTimes
        {
            User = ticks[0],
            Nice = ticks[1],
            System = ticks[2],
            Idle = ticks[3],
            IoWait = ticks[4],
            Irq = ticks[5],
            SoftIrq = ticks[6],
            Steal = ticks[7],
        };
        return true;
    }
}
