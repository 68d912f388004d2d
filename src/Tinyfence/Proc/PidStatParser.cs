namespace Tinyfence.Proc;

/// <summary>
/// Reads the state letter of <c>/proc/PID/stat</c>:
/// <c>"642 (apache2) R 640 640 640 0 -1 …"</c>. The command name between the parentheses is
/// whatever the process chose (up to 15 bytes, 64 for some kernel threads) and may itself contain
/// ')' and spaces, so the state is the letter after the LAST ')'.
/// </summary>
public static class PidStatParser
{
    /// <param name="text">
    /// The file or a prefix of it: only the PID, the name and the state are needed, so a read cut
    /// after the state is enough.
    /// </param>
    public static bool TryParseState(ReadOnlySpan<byte> text, out byte state)
    {
        state = 0;

        // "PID (": a stat file starts with the PID; this also refuses text that is not one.
        int open = text.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (open <= 0 || text.Length < open + 2 || text[open] != ProcText.Space || text[open + 1] != (byte)'(')
        {
            return false;
        }

        int close = text.LastIndexOf((byte)')');
        if (close < open + 2 || text.Length < close + 4 || text[close + 1] != ProcText.Space)
        {
            return false;
        }

        // The state must be one ASCII letter followed by a separator, or a cut read could pass
        // off a fragment as a state.
        byte letter = text[close + 2];
        if (!char.IsAsciiLetter((char)letter) || text[close + 3] != ProcText.Space)
        {
            return false;
        }

        state = letter;
        return true;
    }
}
