namespace Tinyfence.Table;

// Whole-table scans: maintenance, the blocklist, TOP, snapshots.
public sealed unsafe partial class ScoreTable
{
    // Slots examined per hold of the write lock, so requests wait at most a few microseconds.
    private const int SweepChunk = 4096;

    // Slots a scan copies per hold of the write lock (the copies, on the stack, are 32 bytes each).
    private const int ScanChunk = 512;

    public TableStats Stats => new(
        Count, Spec.Capacity, SlotCount, (int)Volatile.Read(ref _header->Blocked), Volatile.Read(ref _header->Evictions));

    /// <summary>
    /// Removes entries whose score has decayed to 0 and counts blocked addresses. The daemon runs
    /// it about once a second; it takes the write lock a chunk of slots at a time.
    /// </summary>
    public SweepResult Sweep(uint now)
    {
        int slots = SlotCount;
        int blocked = 0;
        int removed = 0;
        ulong fingerprint = 0;
        for (int start = 0; start < slots; start += SweepChunk)
        {
            lock (_writeLock)
            {
                int end = Math.Min(slots, start + SweepChunk);
                for (int index = start; index < end; index++)
                {
                    ref TableEntry entry = ref _entries[index];
                    if (entry.KeyHi == 0 && entry.KeyLo == 0)
                    {
                        continue;
                    }

                    int score = Decay.ScoreAt(entry.Score, entry.DecayedAt, now, Spec.DecayPoints, Spec.DecayPeriodSeconds);
                    if (score == 0)
                    {
                        // The shift may have moved a later entry into this slot: look at it again.
                        RemoveAt(index);
                        removed++;
                        index--;
                    }
                    else if (IsBlocked(score))
                    {
                        blocked++;
                        fingerprint += _reader.Hash(new IpKey(entry.KeyHi, entry.KeyLo));
                    }
                }
            }
        }

        Volatile.Write(ref _header->Blocked, (uint)blocked);
        return new SweepResult(Count, blocked, removed, fingerprint);
    }

    /// <summary>
    /// Visits every entry once, with a copy of it, while writes go on: a chunk of slots at a time
    /// is copied under the write lock and visited after it. Inserts shift entries forward and
    /// deletes shift them back, across chunk borders too, so a chunk takes the entries whose home
    /// slot lies in it, read from its slots and the <see cref="TableLayout.MaxProbe"/> after them:
    /// no entry lies farther from home, and none moves while the chunk is copied. An entry that
    /// stays in the table is visited exactly once.
    /// </summary>
    public void ForEach<TVisitor>(uint now, ref TVisitor visitor)
        where TVisitor : struct, IEntryVisitor, allows ref struct
    {
        int slots = SlotCount;
        Span<StoredScore> chunk = stackalloc StoredScore[ScanChunk + TableLayout.MaxProbe];
        for (int start = 0; start < slots; start += ScanChunk)
        {
            int end = Math.Min(slots, start + ScanChunk);
            int count = 0;
            lock (_writeLock)
            {
                int window = Math.Min(slots, end - start + TableLayout.MaxProbe);
                for (int offset = 0; offset < window; offset++)
                {
                    int index = start + offset;
                    ref TableEntry entry = ref _entries[index < slots ? index : index - slots];
                    if (IsEmpty(entry))
                    {
                        continue;
                    }

                    // Past the chunk's first MaxProbe slots and before its end, the home is in the
                    // chunk: only the entries near its borders are hashed.
                    var key = new IpKey(entry.KeyHi, entry.KeyLo);
                    bool homeInChunk = offset >= TableLayout.MaxProbe && offset < end - start;
                    if (!homeInChunk)
                    {
                        uint home = _reader.Home(key);
                        homeInChunk = home >= start && home < end;
                    }

                    if (homeInChunk)
                    {
                        chunk[count++] = new StoredScore(key, entry.Score, entry.DecayedAt, entry.LastHit);
                    }
                }
            }

            foreach (ref readonly StoredScore stored in chunk[..count])
            {
                visitor.Visit(stored, ScoreAt(stored, now));
            }
        }
    }

    /// <summary>
    /// Fills <paramref name="best"/> with the highest current scores, highest first; returns how
    /// many it holds (fewer when the table has fewer entries).
    /// </summary>
    public int Top(Span<StoredScore> best, uint now)
    {
        var top = new TopCollector(best);
        ForEach(now, ref top);
        return top.Count;
    }
}
