namespace Tinyfence.Tests.Alerts;

/// <summary>
/// A clock the test moves: timestamps and timers advance only in <see cref="Advance"/>, which
/// fires the timers that fall due. Lets a one-minute rate-limit period pass in no time.
/// </summary>
internal sealed class FakeTime : TimeProvider
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly Lock _lock = new();
    private readonly List<Timer> _timers = [];
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _ticks;
        }
    }

    public override DateTimeOffset GetUtcNow() => s_start.AddTicks(GetTimestamp());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        List<Timer> due = [];
        lock (_lock)
        {
            _ticks += by.Ticks;
            foreach (Timer timer in _timers)
            {
                if (timer.DueAt is long at && at <= _ticks)
                {
                    due.Add(timer);
                    timer.DueAt = timer.Period > TimeSpan.Zero ? _ticks + timer.Period.Ticks : null;
                }
            }
        }

        foreach (Timer timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class Timer(FakeTime owner, TimerCallback callback, object? state) : ITimer
    {
        public long? DueAt { get; set; }

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            bool fireNow = false;
            lock (owner._lock)
            {
                Period = period;
                if (dueTime == Timeout.InfiniteTimeSpan)
                {
                    DueAt = null;
                    owner._timers.Remove(this);
                    return true;
                }

                if (dueTime <= TimeSpan.Zero)
                {
                    fireNow = true;
                    DueAt = period > TimeSpan.Zero ? owner._ticks + period.Ticks : null;
                }
                else
                {
                    DueAt = owner._ticks + dueTime.Ticks;
                }

                if (!owner._timers.Contains(this))
                {
                    owner._timers.Add(this);
                }
            }

            if (fireNow)
            {
                Fire();
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                DueAt = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
