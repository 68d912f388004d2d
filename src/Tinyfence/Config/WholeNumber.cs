using System.Globalization;

namespace Tinyfence.Config;

/// <summary>A whole number with a unit glued to it, as sizes (<c>256M</c>) and durations (<c>30s</c>) are written.</summary>
public static class WholeNumber
{
    /// <summary>Splits <c>256M</c> into 256 and "M"; false when it does not start with digits or they overflow.</summary>
    public static bool TrySplit(string text, out ulong number, out string unit)
    {
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        unit = text[digits..];
        number = 0;
        return digits > 0 && ulong.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
