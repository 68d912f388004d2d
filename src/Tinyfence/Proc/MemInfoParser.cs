namespace Tinyfence.Proc;

/// <summary>
/// Parses <c>/proc/meminfo</c>: lines such as <c>"MemTotal:       24683656 kB"</c>. A key matches
/// only as a whole line prefix up to its colon, so <c>Cached:</c> never matches
/// <c>SwapCached:</c>; the first occurrence of a key wins.
/// </summary>
/// <remarks>
/// Required: MemTotal, MemFree, Buffers, Cached, SwapTotal and SwapFree, the six lines every
/// kernel since 2.4 prints (sysfence logged an error when one was missing). A file lacking one of
/// them is refused rather than read as zero, so a rule such as <c>memfree &lt; 100M</c> can
/// never fire on a half-read file. MemAvailable (3.14+) is optional.
/// </remarks>
public static class MemInfoParser
{
    // A value above this could not be converted to bytes in a long.
    private const long MaxKiB = long.MaxValue / 1024;

    [Flags]
    private enum Keys
    {
        None = 0,
        MemTotal = 1,
        MemFree = 2,
        MemAvailable = 4,
        Buffers = 8,
        Cached = 16,
        SwapTotal = 32,
        SwapFree = 64,
        Required = MemTotal | MemFree | Buffers | Cached | SwapTotal | SwapFree,
        All = Required | MemAvailable,
    }

    public static bool TryParse(ReadOnlySpan<byte> text, out MemInfo value)
    {
        value = default;
        Keys found = Keys.None;
        while (found != Keys.All && ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line))
        {
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            Keys key = KeyOf(line[..colon]);
            if (key == Keys.None || (found & key) != 0)
            {
                continue;
            }

            if (!TryParseKiB(line[(colon + 1)..], out long kib))
            {
                return false;
            }

            found |= key;
            switch (key)
            {
                case Keys.MemTotal: value.MemTotalKiB = kib; break;
                case Keys.MemFree: value.MemFreeKiB = kib; break;
                case Keys.MemAvailable: value.MemAvailableKiB = kib; break;
                case Keys.Buffers: value.BuffersKiB = kib; break;
                case Keys.Cached: value.CachedKiB = kib; break;
                case Keys.SwapTotal: value.SwapTotalKiB = kib; break;
                case Keys.SwapFree: value.SwapFreeKiB = kib; break;
            }
        }

        if ((found & Keys.Required) != Keys.Required)
        {
            value = default;
            return false;
        }

        value.HasMemAvailable = (found & Keys.MemAvailable) != 0;
        return true;
    }

    private static Keys KeyOf(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("MemTotal"u8) ? Keys.MemTotal
        : name.SequenceEqual("MemFree"u8) ? Keys.MemFree
        : name.SequenceEqual("MemAvailable"u8) ? Keys.MemAvailable
        : name.SequenceEqual("Buffers"u8) ? Keys.Buffers
        : name.SequenceEqual("Cached"u8) ? Keys.Cached
        : name.SequenceEqual("SwapTotal"u8) ? Keys.SwapTotal
        : name.SequenceEqual("SwapFree"u8) ? Keys.SwapFree
        : Keys.None;

    // "       24683656 kB": blanks, a number, then nothing or the "kB" unit.
    private static bool TryParseKiB(ReadOnlySpan<byte> field, out long kib)
    {
        kib = 0;
        field = ProcText.TrimStartBlanks(field);
        if (!ProcText.TryReadUInt64(ref field, out ulong number) || number > MaxKiB)
        {
            return false;
        }

        field = ProcText.TrimStartBlanks(field);
        if (field.StartsWith("kB"u8))
        {
            field = field[2..];
        }

        if (!ProcText.TrimStartBlanks(field).IsEmpty)
        {
            return false;
        }

        kib = (long)number;
        return true;
    }
}
