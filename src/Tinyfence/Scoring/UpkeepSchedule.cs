using Tinyfence.Table;

namespace Tinyfence.Scoring;

/// <summary>
/// When the tables' upkeep is due, on the daemon's main thread: a sweep of every table once a
/// second, its blocklist rewritten when the blocked set changed and its interval has passed, its
/// snapshot saved at its interval, and retired tables unmapped when their grace is over. It runs
/// as long as the daemon does, so a second without changes allocates nothing.
/// </summary>
internal sealed class UpkeepSchedule(TableHost host)
{
    private const long IntervalMs = 1000;

    private long _nextMs;

    /// <summary>Runs what is due at <paramref name="nowMs"/>; returns when it is next due (ms), <see cref="long.MaxValue"/> with no table.</summary>
    public long Run(long nowMs)
    {
        host.DisposeRetired(nowMs);
        IReadOnlyList<HostedTable> tables = host.Hosted;
        if (tables.Count == 0)
        {
            return long.MaxValue;
        }

        if (nowMs < _nextMs)
        {
            return _nextMs;
        }

        // By index: foreach over the interface would allocate an enumerator every second.
        for (int i = 0; i < tables.Count; i++)
        {
            HostedTable hosted = tables[i];
            uint now = hosted.Table.Now;
            SweepResult sweep = hosted.Table.Sweep(now);
            if (hosted.Blocklist is { } writer && sweep.BlockedFingerprint != hosted.WrittenFingerprint && nowMs >= hosted.NextBlocklistMs)
            {
                hosted.WriteBlocklist(writer, now, sweep.BlockedFingerprint);
                hosted.NextBlocklistMs = nowMs + (long)hosted.Section.BlocklistEvery!.Value.TotalMilliseconds;
            }

            hosted.Firewall?.Update(hosted.Table, nowMs);
            if (hosted.Section.SnapshotEvery is { } every && nowMs >= hosted.NextSnapshotMs)
            {
                hosted.SaveSnapshot();
                hosted.NextSnapshotMs = nowMs + (long)every.TotalMilliseconds;
            }
        }

        _nextMs = nowMs + IntervalMs;
        return _nextMs;
    }
}
