namespace Tinyfence.Table;

// Whole-table scans: maintenance, the blocklist, TOP, snapshots.
public sealed unsafe partial class ScoreTable
{
    // Slots examined per hold of the write lock, so requests wait at most a few microseconds.
    private const int SweepChunk = 4096;

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

    /// <summary>Visits every entry with a consistent copy of it; no lock, writes go on meanwhile.</summary>
    public void ForEach<TVisitor>(uint now, ref TVisitor visitor)
        where TVisitor : struct, IEntryVisitor, allows ref struct
    {
        int slots = SlotCount;
        for (int index = 0; index < slots; index++)
        {
            if (TableReader.TryCopy(ref _entries[index], out StoredScore stored) && !stored.Key.IsEmpty)
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
