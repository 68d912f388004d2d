using System.Globalization;

namespace Tinyfence.Alerts;

/// <summary>Times and durations as the mail log lines and messages write them.</summary>
internal static class MailText
{
    /// <summary>A delay for people: <c>500 ms</c>, <c>8 s</c>, <c>5 min</c>, <c>1 h 30 min</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        long ms = (long)Math.Round(duration.TotalMilliseconds);
        if (ms < 1000)
        {
            return $"{ms} ms";
        }

        long seconds = (ms + 500) / 1000;
        if (seconds < 60)
        {
            return $"{seconds} s";
        }

        long minutes = seconds / 60;
        if (minutes < 60)
        {
            return seconds % 60 == 0 ? $"{minutes} min" : $"{minutes} min {seconds % 60} s";
        }

        return minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes / 60} h {minutes % 60} min";
    }

    /// <summary>An alert's time in a digest or a note: <c>2026-11-25 22:03:04 +01:00</c>.</summary>
    public static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    public static string Count(int count, string singular, string plural) => count == 1 ? $"1 {singular}" : $"{count} {plural}";
}
