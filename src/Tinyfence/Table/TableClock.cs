namespace Tinyfence.Table;

/// <summary>
/// Table time: unix seconds (32 bits hold them until 2106), plus an offset that only a daemon
/// started with <c>--test-clock</c> ever moves, published in the table header so that readers
/// in other processes see the same time as the daemon.
/// </summary>
public static class TableClock
{
    public static uint Now(long offsetSeconds)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds;
        return (uint)Math.Clamp(now, 1, uint.MaxValue);
    }
}
