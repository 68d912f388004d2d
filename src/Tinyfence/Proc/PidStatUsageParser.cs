using System.Text;

namespace Tinyfence.Proc;

/// <summary>
/// Reads name, state, process group, CPU time and resident size from <c>/proc/PID/stat</c>. Fields
/// are counted after the LAST ')' (the name may contain ')' and spaces): the state is field 3, the
/// process group field 5, utime and stime fields 14 and 15 (clock ticks), rss field 24 (pages).
/// </summary>
public static class PidStatUsageParser
{
    public static bool TryParse(ReadOnlySpan<byte> text, out string name, out byte state, out int processGroup, out ulong cpuTicks, out long rssPages)
    {
        name = "";
        processGroup = 0;
        cpuTicks = 0;
        rssPages = 0;
        if (!PidStatParser.TryParseState(text, out state))
        {
            return false;
        }

        int open = text.IndexOf((byte)'(');
        int close = text.LastIndexOf((byte)')');
        name = Encoding.UTF8.GetString(text[(open + 1)..close]);
        return TryParseFigures(text, out processGroup, out cpuTicks, out rssPages);
    }

    /// <summary>The figures alone, without the name: allocates nothing (the daemon's own metrics read it).</summary>
    public static bool TryParseFigures(ReadOnlySpan<byte> text, out int processGroup, out ulong cpuTicks, out long rssPages)
    {
        processGroup = 0;
        cpuTicks = 0;
        rssPages = 0;
        int close = text.LastIndexOf((byte)')');
        if (close < 0 || close + 2 > text.Length)
        {
            return false;
        }

        // After ") " the fields are separated by single spaces, starting with field 3.
        ReadOnlySpan<byte> rest = text[(close + 2)..];
        ulong utime = 0;
        ulong stime = 0;
        for (int field = 3; field <= 24; field++)
        {
            int end = rest.IndexOfAny(ProcText.Space, ProcText.NewLine);
            ReadOnlySpan<byte> value = end < 0 ? rest : rest[..end];
            switch (field)
            {
                case 5 when !int.TryParse(value, out processGroup):
                case 14 when !ulong.TryParse(value, out utime):
                case 15 when !ulong.TryParse(value, out stime):
                case 24 when !long.TryParse(value, out rssPages):
                    return false;
            }

            if (end < 0 && field < 24)
            {
                return false;
            }

            rest = end < 0 ? default : rest[(end + 1)..];
        }

        cpuTicks = utime + stime;
        return true;
    }
}
