using System.Buffers.Text;

namespace Tinyfence.Proc;

/// <summary>
/// The few span steps every /proc parser shares. Two rules keep truncated reads from producing
/// wrong numbers: a line counts only when its '\n' was read (<see cref="TryReadLine"/>), and a
/// number counts only when a delimiter or the end of its complete line follows it (so "0.1" cut
/// from "0.17" is never taken for a value).
/// </summary>
internal static class ProcText
{
    public const byte Space = (byte)' ';
    public const byte Tab = (byte)'\t';
    public const byte NewLine = (byte)'\n';
    public const byte CarriageReturn = (byte)'\r';

    /// <summary>
    /// Splits off the next newline-terminated line (without its '\n' and a '\r' before it, so a
    /// fixture saved with CR LF reads the same). An unterminated tail is not returned: it is what
    /// a read cut short leaves.
    /// </summary>
    public static bool TryReadLine(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> line)
    {
        int end = text.IndexOf(NewLine);
        if (end < 0)
        {
            line = default;
            return false;
        }

        line = text[..end];
        if (!line.IsEmpty && line[^1] == CarriageReturn)
        {
            line = line[..^1];
        }

        text = text[(end + 1)..];
        return true;
    }

    public static bool IsBlank(byte b) => b is Space or Tab;

    public static bool IsDelimiter(byte b) => b is Space or Tab or NewLine or CarriageReturn;

    public static ReadOnlySpan<byte> TrimStartBlanks(ReadOnlySpan<byte> text)
    {
        int start = text.IndexOfAnyExcept(Space, Tab);
        return start < 0 ? default : text[start..];
    }

    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>
    /// Reads an unsigned decimal at the start of <paramref name="text"/> (no sign, no blanks) that
    /// is followed by a delimiter or ends the span, and advances past it.
    /// </summary>
    public static bool TryReadUInt64(ref ReadOnlySpan<byte> text, out ulong value)
    {
        if (text.IsEmpty || !IsDigit(text[0])
            || !Utf8Parser.TryParse(text, out value, out int consumed)
            || !EndsToken(text, consumed))
        {
            value = 0;
            return false;
        }

        text = text[consumed..];
        return true;
    }

    /// <summary>
    /// Reads a non-negative finite decimal such as "0.31" at the start of <paramref name="text"/>,
    /// followed by a delimiter or the end of the span, and advances past it.
    /// </summary>
    public static bool TryReadDouble(ref ReadOnlySpan<byte> text, out double value)
    {
        if (text.IsEmpty || !IsDigit(text[0])
            || !Utf8Parser.TryParse(text, out value, out int consumed)
            || !double.IsFinite(value)
            || !EndsToken(text, consumed))
        {
            value = 0;
            return false;
        }

        text = text[consumed..];
        return true;
    }

    /// <summary>Skips <paramref name="prefix"/> if <paramref name="text"/> starts with it.</summary>
    public static bool TrySkip(ref ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix)
    {
        if (!text.StartsWith(prefix))
        {
            return false;
        }

        text = text[prefix.Length..];
        return true;
    }

    private static bool EndsToken(ReadOnlySpan<byte> text, int consumed) =>
        consumed == text.Length || IsDelimiter(text[consumed]);
}
