using System.Runtime.CompilerServices;

namespace Tinyfence.Table;

/// <summary>
/// What a table is declared as: its name, how many addresses it holds, how scores decay and when
/// an address is blocked. Two tables with equal specs can share one memory layout, so a reload
/// that changes none of these keeps the table (and its mapping) as it is.
/// </summary>
/// <param name="DecayPoints">Points taken off for every whole <paramref name="DecayPeriodSeconds"/>; 0: no decay.</param>
/// <param name="BlockAbove">An address is blocked while its score is greater than this.</param>
/// <param name="IPv6PrefixBits">IPv6 clients are scored per prefix of this length (128: per address).</param>
public sealed record TableSpec(
    string Name,
    int Capacity,
    int DecayPoints,
    uint DecayPeriodSeconds,
    int BlockAbove,
    int IPv6PrefixBits)
{
    // A name is a file name part (view, blocklist, snapshot) and a protocol token.
    public const int MaxNameLength = 31;

    /// <summary>What a table name is, as every error that refuses one says it.</summary>
    public const string NameRule = "1 to 31 letters, digits, '-' or '_'";

    public const int MinCapacity = 16;

    // 2^24 addresses is 512+ MB of slots: far beyond the few-MB hosts this is for.
    public const int MaxCapacity = 1 << 24;

    /// <summary>
    /// The highest score, threshold and number of points anything may give: a request, an
    /// adapter's option, the config. Far above any real threshold, and sums of two stay in an int.
    /// </summary>
    public const int MaxScore = 1_000_000_000;

    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsNameCharacter(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The same rule over a protocol line's bytes (ASCII).</summary>
    public static bool IsValidName(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (byte c in name)
        {
            if (!IsNameCharacter((char)c))
            {
                return false;
            }
        }

        return true;
    }

    // Inlined: the protocol checks the table name of every request with it.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
