using Tinyfence.Config;

namespace Tinyfence.Rules;

/// <summary>
/// Counts how long a condition has held without a break: consecutive checks, and since when.
/// Anything but <see cref="Truth.True"/> breaks the streak.
/// </summary>
public struct DebounceCounter
{
    public int Streak;
    public long SinceMs;

    /// <summary>Records one check; true when the condition has now held long enough.</summary>
    public bool Update(Truth truth, Debounce debounce, long nowMs)
    {
        if (truth != Truth.True)
        {
            Streak = 0;
            return false;
        }

        if (Streak++ == 0)
        {
            SinceMs = nowMs;
        }

        return Streak >= debounce.Checks && nowMs - SinceMs >= (long)debounce.Duration.TotalMilliseconds;
    }

    public void Reset() => Streak = 0;
}
