namespace Tinyfence.Proc;

/// <summary>
/// Parses a <c>/proc/pressure/{cpu,memory,io}</c> file:
/// <code>
/// some avg10=0.40 avg60=2.76 avg300=3.27 total=18163273
/// full avg10=0.00 avg60=0.00 avg300=0.00 total=0
/// </code>
/// The "some" line is required, "full" is optional (cpu has none before Linux 5.13); the total
/// (cumulative stall in microseconds) is ignored.
/// </summary>
public static class PressureParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, out Pressure value)
    {
        value = default;
        bool hasSome = false;
        while (ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line))
        {
            if (!hasSome && ProcText.TrySkip(ref line, "some "u8))
            {
                if (!TryParseAverages(line, out value.SomeAvg10, out value.SomeAvg60, out value.SomeAvg300))
                {
                    value = default;
                    return false;
                }

                hasSome = true;
            }
            else if (!value.HasFull && ProcText.TrySkip(ref line, "full "u8))
            {
                if (!TryParseAverages(line, out value.FullAvg10, out value.FullAvg60, out value.FullAvg300))
                {
                    value = default;
                    return false;
                }

                value.HasFull = true;
            }
        }

        if (!hasSome)
        {
            value = default;
            return false;
        }

        return true;
    }

    // "avg10=0.40 avg60=2.76 avg300=3.27 total=18163273", in that order.
    private static bool TryParseAverages(ReadOnlySpan<byte> line, out double avg10, out double avg60, out double avg300)
    {
        avg60 = avg300 = 0;
        line = ProcText.TrimStartBlanks(line);
        if (!ProcText.TrySkip(ref line, "avg10="u8) || !ProcText.TryReadDouble(ref line, out avg10))
        {
            avg10 = 0;
            return false;
        }

        line = ProcText.TrimStartBlanks(line);
        if (!ProcText.TrySkip(ref line, "avg60="u8) || !ProcText.TryReadDouble(ref line, out avg60))
        {
            return false;
        }

        line = ProcText.TrimStartBlanks(line);
        return ProcText.TrySkip(ref line, "avg300="u8) && ProcText.TryReadDouble(ref line, out avg300);
    }
}
