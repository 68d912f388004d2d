namespace Tinyfence.Config;

/// <summary>
/// Durations: a whole number with a unit, <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>;
/// a bare number is seconds, as in sysfence's <c>step 60</c>.
/// </summary>
public static class DurationSyntax
{
    public const string Expected = "duration such as 30, 30s, 500ms, 5m, 2h or 1d";

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        if (!WholeNumber.TrySplit(text, out ulong number, out string unit))
        {
            return false;
        }

        long unitMs = unit switch
        {
            "" or "s" or "sec" or "secs" or "second" or "seconds" => 1000,
            "ms" => 1,
            "m" or "min" or "mins" or "minute" or "minutes" => 60_000,
            "h" or "hour" or "hours" => 3_600_000,
            "d" or "day" or "days" => 86_400_000,
            _ => 0,
        };
        if (unitMs == 0 || number > (ulong)(TimeSpan.MaxValue.TotalMilliseconds / unitMs / 2))
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds((long)number * unitMs);
        return true;
    }

    public static string Format(TimeSpan duration)
    {
        long ms = (long)duration.TotalMilliseconds;
        return ms switch
        {
            _ when ms % 86_400_000 == 0 && ms > 0 => $"{ms / 86_400_000}d",
            _ when ms % 3_600_000 == 0 && ms > 0 => $"{ms / 3_600_000}h",
            _ when ms % 60_000 == 0 && ms > 0 => $"{ms / 60_000}m",
            _ when ms % 1000 == 0 => $"{ms / 1000}s",
            _ => $"{ms}ms",
        };
    }
}
