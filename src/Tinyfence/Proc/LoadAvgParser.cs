namespace Tinyfence.Proc;

/// <summary>
/// Parses <c>/proc/loadavg</c>: <c>"0.31 0.33 0.17 2/91 4079\n"</c>, the 1, 5 and 15 minute
/// load averages, then runnable/total scheduling entities and the last PID (both ignored).
/// </summary>
public static class LoadAvgParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, out LoadAverage value)
    {
        value = default;
        if (!ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line))
        {
            return false;
        }

        line = ProcText.TrimStartBlanks(line);
        if (!ProcText.TryReadDouble(ref line, out double one))
        {
            return false;
        }

        line = ProcText.TrimStartBlanks(line);
        if (!ProcText.TryReadDouble(ref line, out double five))
        {
            return false;
        }

        line = ProcText.TrimStartBlanks(line);
        if (!ProcText.TryReadDouble(ref line, out double fifteen))
        {
            return false;
        }

        value = new LoadAverage { One = one, Five = five, Fifteen = fifteen };
        return true;
    }
}
