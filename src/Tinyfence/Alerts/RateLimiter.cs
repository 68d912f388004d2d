namespace Tinyfence.Alerts;

/// <summary>
/// At most N sends in any window of one period (a sliding window, so a burst at the end of one
/// period and another at the start of the next cannot make 2N). Keeps the times of the last N
/// sends in a ring; N is small (tens), so the ring is a plain array. Only the mail worker uses it.
/// </summary>
internal sealed class RateLimiter
{
    private readonly TimeProvider _time;
    private readonly long _periodTicks;
    private readonly long[] _sentAt;   // timestamps of the last sends, oldest at _next once full
    private int _next;
    private int _count;

    public RateLimiter(int limit, TimeSpan period, TimeProvider time)
    {
        _time = time;
        Limit = limit;
        Period = period;
        _periodTicks = (long)(period.TotalSeconds * time.TimestampFrequency);
        _sentAt = new long[Math.Max(limit, 0)];
    }

    /// <summary>0 or less: no limit.</summary>
    public int Limit { get; }

    public TimeSpan Period { get; }

    public bool IsUnlimited => Limit <= 0;

    /// <summary>Whether a message may go now.</summary>
    public bool HasRoom(long now) => IsUnlimited || _count < _sentAt.Length || now - _sentAt[_next] >= _periodTicks;

    /// <summary>How long until <see cref="HasRoom"/> turns true (zero if it is).</summary>
    public TimeSpan Wait(long now)
    {
        if (HasRoom(now))
        {
            return TimeSpan.Zero;
        }

        long ticks = _sentAt[_next] + _periodTicks - now;
        return TimeSpan.FromSeconds((double)ticks / _time.TimestampFrequency);
    }

    public void Record(long now)
    {
        if (IsUnlimited)
        {
            return;
        }

        _sentAt[_next] = now;
        _next = (_next + 1) % _sentAt.Length;
        _count = Math.Min(_count + 1, _sentAt.Length);
    }

    /// <summary>A limiter with new settings that remembers the recent sends (a reload must not reset the count).</summary>
    public RateLimiter WithSettings(int limit, TimeSpan period)
    {
        if (limit == Limit && period == Period)
        {
            return this;
        }

        var resized = new RateLimiter(limit, period, _time);
        if (resized.IsUnlimited)
        {
            return resized;
        }

        // Replay the most recent sends, oldest first, into the new ring.
        int keep = Math.Min(_count, resized._sentAt.Length);
        for (int i = _count - keep; i < _count; i++)
        {
            int index = (_count < _sentAt.Length ? 0 : _next) + i;
            resized.Record(_sentAt[index % _sentAt.Length]);
        }

        return resized;
    }
}
