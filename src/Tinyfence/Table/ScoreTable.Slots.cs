namespace Tinyfence.Table;

// Slot-level writes. Every method here runs under _writeLock.
public sealed unsafe partial class ScoreTable
{
    /// <summary>Where the key is, or where it would go.</summary>
    private KeySlot Locate(IpKey key)
    {
        uint home = _reader.Home(key);
        int index = Find(key, home, out int free);
        return new KeySlot(home, index, free);
    }

    /// <summary>Overwrites the key's entry where <see cref="Locate"/> found it, or inserts it.</summary>
    private void Put(IpKey key, KeySlot slot, int score, uint decayedAt, uint lastHit, uint now)
    {
        if (slot.IsFound)
        {
            Write(slot.Index, key, score, decayedAt, lastHit);
        }
        else
        {
            Insert(key, slot.Home, slot.Free, score, decayedAt, lastHit, now);
        }
    }

    /// <summary>The key's slot, or -1; <paramref name="free"/> is the first empty slot of its window, or -1.</summary>
    private int Find(IpKey key, uint home, out int free)
    {
        free = -1;
        for (uint distance = 0; distance < TableLayout.MaxProbe; distance++)
        {
            int index = (int)_reader.Next(home, distance);
            ref TableEntry entry = ref _entries[index];
            if (entry.KeyHi == 0 && entry.KeyLo == 0)
            {
                free = index;
                return -1;
            }

            if (entry.KeyHi == key.Hi && entry.KeyLo == key.Lo)
            {
                return index;
            }
        }

        return -1;
    }

    private void Insert(IpKey key, uint home, int free, int score, uint decayedAt, uint lastHit, uint now)
    {
        if (free >= 0 && _header->Count < _header->Capacity)
        {
            Write(free, key, score, decayedAt, lastHit);
            _header->Count++;
            return;
        }

        int victim = ChooseVictim(home, now);
        if (victim < 0)
        {
            // At capacity with a window of empty slots only: taking one would pass the capacity
            // the table was declared with; the new address goes unscored (counted as an eviction).
            _header->Evictions++;
            return;
        }

        _header->Evictions++;
        if (free < 0)
        {
            // A full window: every slot from home to the victim is taken, so the key written in
            // the victim's place is found by its probe.
            Write(victim, key, score, decayedAt, lastHit);
            return;
        }

        // The window has an empty slot (the table is at capacity): a key written past it would
        // never be found. The victim is deleted properly, and the key takes the first empty slot.
        RemoveAt(victim);
        Find(key, home, out free);
        if (free >= 0)
        {
            Write(free, key, score, decayedAt, lastHit);
            _header->Count++;
        }
    }

    /// <summary>
    /// The entry of the window that matters least: the lowest current score among addresses that
    /// are not blocked, a blocked one only when the whole window is blocked; the least recently
    /// hit on a tie. -1 when the window holds no entry.
    /// </summary>
    private int ChooseVictim(uint home, uint now)
    {
        int victim = -1;
        bool victimBlocked = true;
        int victimScore = int.MaxValue;
        uint victimLastHit = uint.MaxValue;
        for (uint distance = 0; distance < TableLayout.MaxProbe; distance++)
        {
            int index = (int)_reader.Next(home, distance);
            ref TableEntry entry = ref _entries[index];
            if (entry.KeyHi == 0 && entry.KeyLo == 0)
            {
                continue;
            }

            int score = Decay.ScoreAt(entry.Score, entry.DecayedAt, now, Spec.DecayPoints, Spec.DecayPeriodSeconds);
            bool blocked = IsBlocked(score);
            bool better = victim < 0
                || (victimBlocked && !blocked)
                || (victimBlocked == blocked
                    && (score < victimScore || (score == victimScore && entry.LastHit < victimLastHit)));
            if (better)
            {
                victim = index;
                victimBlocked = blocked;
                victimScore = score;
                victimLastHit = entry.LastHit;
            }
        }

        return victim;
    }

    private void Write(int index, IpKey key, int score, uint decayedAt, uint lastHit)
    {
        ref TableEntry entry = ref _entries[index];
        uint seq = entry.Seq;
        Volatile.Write(ref entry.Seq, seq + 1);
        Volatile.Write(ref entry.KeyHi, key.Hi);
        Volatile.Write(ref entry.KeyLo, key.Lo);
        Volatile.Write(ref entry.Score, score);
        Volatile.Write(ref entry.DecayedAt, decayedAt);
        Volatile.Write(ref entry.LastHit, lastHit);
        Volatile.Write(ref entry.Seq, seq + 2);
    }

    private void Copy(int from, int to)
    {
        ref TableEntry source = ref _entries[from];
        Write(to, new IpKey(source.KeyHi, source.KeyLo), source.Score, source.DecayedAt, source.LastHit);
    }

    private void Clear(int index) => Write(index, default, 0, 0, 0);

    /// <summary>
    /// Backward-shift deletion: entries after the hole that may live closer to their home move
    /// back, so no tombstones are needed and probes stay short. Readers are told through the odd
    /// structure sequence, since an entry in flight could be missed by a probe.
    /// </summary>
    private void RemoveAt(int hole)
    {
        uint structure = _header->StructureSeq;
        Volatile.Write(ref _header->StructureSeq, structure + 1);

        int next = hole;
        while (true)
        {
            next = (int)_reader.Next((uint)next, 1);
            ref TableEntry entry = ref _entries[next];
            if (entry.KeyHi == 0 && entry.KeyLo == 0)
            {
                break;
            }

            // An entry whose home lies cyclically in (hole, next] would move before its home.
            uint home = _reader.Home(new IpKey(entry.KeyHi, entry.KeyLo));
            bool staysPut = hole <= next
                ? (uint)hole < home && home <= (uint)next
                : (uint)hole < home || home <= (uint)next;
            if (!staysPut)
            {
                Copy(next, hole);
                hole = next;
            }
        }

        Clear(hole);
        _header->Count--;
        Volatile.Write(ref _header->StructureSeq, structure + 2);
    }

    /// <summary>
    /// A key's place in the table: its home slot, its slot (-1 when it has none) and, when it has
    /// none, the first empty slot of its probe window (-1 when the window is full). Valid until
    /// the next write.
    /// </summary>
    private readonly record struct KeySlot(uint Home, int Index, int Free)
    {
        public bool IsFound => Index >= 0;
    }
}
