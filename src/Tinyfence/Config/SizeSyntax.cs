using System.Globalization;

namespace Tinyfence.Config;

/// <summary>
/// Sizes in bytes, as sysfence wrote them: a whole number, bare for bytes, or with <c>k</c>, <c>M</c>,
/// <c>G</c> (powers of 1024). Tinyfence also takes <c>K</c>, <c>m</c>, <c>g</c>, <c>T</c>, <c>KiB</c>,
/// <c>MiB</c>, <c>GiB</c>, <c>TiB</c> and <c>B</c>; every sysfence spelling keeps its meaning.
/// </summary>
public static class SizeSyntax
{
    public const string Expected = "a whole number of bytes with an optional suffix k, M, G or T (powers of 1024), or a percentage such as 10%";

    public static bool TryParse(string text, out double bytes)
    {
        bytes = 0;
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0 || !ulong.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out ulong number))
        {
            return false;
        }

        int shift = text[digits..] switch
        {
            "" or "B" => 0,
            "k" or "K" or "KiB" => 10,
            "M" or "m" or "MiB" => 20,
            "G" or "g" or "GiB" => 30,
            "T" or "t" or "TiB" => 40,
            _ => -1,
        };
        if (shift < 0)
        {
            return false;
        }

        bytes = number * Math.Pow(2, shift);
        return true;
    }

    /// <summary>A byte count for people: the largest binary unit that keeps one decimal.</summary>
    public static string Format(double bytes)
    {
        string[] units = ["", "k", "M", "G", "T"];
        int unit = 0;
        while (unit < units.Length - 1 && Math.Abs(bytes) >= 1024)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0
            ? bytes.ToString("0", CultureInfo.InvariantCulture)
            : bytes.ToString("0.#", CultureInfo.InvariantCulture) + units[unit];
    }
}
