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
    private readonly TableMapping _memory;
    private readonly TableHeader* _header;
    private readonly TableReader _reader;

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
            && header->MaxProbe == TableLayout.MaxProbe
            && slots != 0 && (slots & (slots - 1)) == 0
            && header->DecayPeriod != 0
            && header->IPv6PrefixBits is >= 1 and <= 128
            && memory.Length >= TableLayout.BytesFor((int)Math.Min(slots, int.MaxValue));
    }

    /// <summary>The address's current score (0 when absent); false when the writer kept the entry busy for every retry.</summary>
    public bool TryGetScore(IpKey key, uint now, out int score)
    {
        ReadOutcome outcome = _reader.TryRead(ScoreTable.Normalize(key, IPv6PrefixBits), out StoredScore stored);
        score = outcome == ReadOutcome.Found
            ? Decay.ScoreAt(stored.Score, stored.DecayedAt, now, DecayPoints, DecayPeriodSeconds)
            : 0;
        return outcome != ReadOutcome.Busy;
    }

    public void Dispose() => _memory.Dispose();
}
