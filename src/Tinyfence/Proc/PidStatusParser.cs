namespace Tinyfence.Proc;

/// <summary>
/// Reads the user ids of <c>/proc/PID/status</c>: the line <c>"Uid:\t33\t33\t33\t33"</c> (real,
/// effective, saved set, file system). Tinyfence's nproc user filter matches the effective uid, as
/// sysfence did (see the Proc README).
/// </summary>
public static class PidStatusParser
{
    public static bool TryParseRealUid(ReadOnlySpan<byte> text, out uint uid) =>
        TryParseUids(text, out uid, out _);

    public static bool TryParseEffectiveUid(ReadOnlySpan<byte> text, out uint uid) =>
        TryParseUids(text, out _, out uid);

    public static bool TryParseUids(ReadOnlySpan<byte> text, out uint realUid, out uint effectiveUid)
    {
        realUid = effectiveUid = 0;
        while (ProcText.TryReadLine(ref text, out ReadOnlySpan<byte> line))
        {
            if (!ProcText.TrySkip(ref line, "Uid:"u8))
            {
                continue;
            }

            line = ProcText.TrimStartBlanks(line);
            if (!TryReadUid(ref line, out uint real))
            {
                return false;
            }

            line = ProcText.TrimStartBlanks(line);
            if (!TryReadUid(ref line, out uint effective))
            {
                return false;
            }

            realUid = real;
            effectiveUid = effective;
            return true;
        }

        return false;
    }

    private static bool TryReadUid(ref ReadOnlySpan<byte> line, out uint uid)
    {
        if (!ProcText.TryReadUInt64(ref line, out ulong value) || value > uint.MaxValue)
        {
            uid = 0;
            return false;
        }

        uid = (uint)value;
        return true;
    }
}
