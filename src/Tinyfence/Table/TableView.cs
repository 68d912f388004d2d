namespace Tinyfence.Table;

/// <summary>
/// A read-only mapping of a table the daemon publishes: how the adapters answer lookups without
/// a round trip to the daemon. Scores are decayed here, from the stored score and time, with the
/// daemon's clock offset. The mapping stays readable when the daemon is gone (its last state);
/// when the daemon replaces the table (reload with another shape, restart) the old file is marked
/// retired and <see cref="IsRetired"/> tells the owner to open the path again.
/// </summary>
public sealed unsafe class TableView : IDisposable
{
    /// <summary>How long a lookup waits at most for a writer that holds an entry (scheduler time slices on a loaded machine are a few ms).</summary>
    public const int PatientWaitMs = 50;

    private readonly TableMapping _memory;
    private readonly TableHeader* _header;
    private readonly TableReader _reader;
    private long _impatientUntilMs;

    private TableView(TableMapping memory)
    {
        _memory = memory;
        _header = (TableHeader*)memory.Base;
        _reader = new TableReader(memory.Base);
    }

    public int DecayPoints => _header->DecayPoints;

    public uint DecayPeriodSeconds => _header->DecayPeriod;

    public int BlockAbove => _header->BlockAbove;

    public int IPv6PrefixBits => _header->IPv6PrefixBits;

    public int Capacity => (int)_header->Capacity;

    public bool IsRetired => Volatile.Read(ref _header->Retired) != 0;

    /// <summary>
    /// Whether <paramref name="path"/> still names the mapped file. A table file replaced without
    /// being marked retired (its run directory deleted and made anew, a daemon that could not reach
    /// the old file) is seen this way.
    /// </summary>
    public bool IsStillAt(string path) => TableMapping.IdentityOf(path) == _memory.FileId;

    public uint Now => TableClock.Now(Volatile.Read(ref _header->ClockOffset));

    /// <summary>Maps the table file at <paramref name="path"/>; null when it is missing, unreadable or not a table of this version.</summary>
    public static TableView? TryOpen(string path)
    {
        TableMapping? memory = TableMapping.OpenFile(path, writable: false);
        if (memory is null)
        {
            return null;
        }

        if (!HasValidHeader(memory))
        {
            memory.Dispose();
            return null;
        }

        return new TableView(memory);
    }

    internal static bool HasValidHeader(TableMapping memory)
    {
        var header = (TableHeader*)memory.Base;
        uint slots = header->SlotCount;
        return Volatile.Read(ref header->Magic) == TableLayout.Magic
            && header->Version == TableLayout.Version
            && header->HeaderSize == TableLayout.HeaderSize
            && header->EntrySize == TableLayout.EntrySize
            && slots >= TableLayout.MaxProbe && slots <= int.MaxValue / TableLayout.EntrySize
            && header->DecayPeriod != 0
            && header->IPv6PrefixBits is >= 1 and <= 128
            && memory.Length >= TableLayout.BytesFor((int)Math.Min(slots, int.MaxValue));
    }

    /// <summary>
    /// The address's current score (0 when absent); false when the writer kept the entry busy
    /// for every retry. A writer preempted in the middle of a write (a loaded machine) is waited
    /// for, sleeping so that it gets a CPU, up to <see cref="PatientWaitMs"/>; one that does not
    /// come back in that time (killed mid-write) is not waited for again for a second, so a
    /// dead daemon costs its readers one wait a second, not one per lookup.
    /// </summary>
    public bool TryGetScore(IpKey key, uint now, out int score)
    {
        key = ScoreTable.Normalize(key, IPv6PrefixBits);
        ReadOutcome outcome = _reader.TryRead(key, out StoredScore stored);
        if (outcome == ReadOutcome.Busy && Environment.TickCount64 >= _impatientUntilMs)
        {
            long deadline = Environment.TickCount64 + PatientWaitMs;
            do
            {
                Thread.Sleep(1);
                outcome = _reader.TryRead(key, out stored);
            }
            while (outcome == ReadOutcome.Busy && Environment.TickCount64 < deadline);

            if (outcome == ReadOutcome.Busy)
            {
                _impatientUntilMs = Environment.TickCount64 + 1000;
            }
        }

        score = outcome == ReadOutcome.Found
            ? Decay.ScoreAt(stored.Score, stored.DecayedAt, now, DecayPoints, DecayPeriodSeconds)
            : 0;
        return outcome != ReadOutcome.Busy;
    }

    public void Dispose() => _memory.Dispose();
}
