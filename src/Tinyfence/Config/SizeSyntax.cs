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
        if (!WholeNumber.TrySplit(text, out ulong number, out string unit))
        {
            return false;
        }

        int shift = unit switch
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
}
