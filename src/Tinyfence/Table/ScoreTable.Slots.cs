namespace Tinyfence.Table;

// Slot-level writes. Every method here runs under _writeLock.
public sealed unsafe partial class ScoreTable
{
    /// <summary>Where the key is (its slot, or -1), and its home slot.</summary>
    private KeySlot Locate(IpKey key)
    {
        uint home = _reader.Home(key);
        uint limit = _reader.ProbeLimit;
        for (uint distance = 0; distance < limit; distance++)
        {
            int index = (int)_reader.Next(home, distance);
            ref TableEntry entry = ref _entries[index];
            if (IsEmpty(entry))
            {
                break;
            }

            if (entry.KeyHi == key.Hi && entry.KeyLo == key.Lo)
            {
                return new KeySlot(home, index);
            }
        }

        return new KeySlot(home, -1);
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
            Insert(key, slot.Home, score, decayedAt, lastHit, now);
        }
    }

    /// <summary>
    /// A new key. Below capacity it always gets a slot. At capacity the weakest entry of its
    /// neighbourhood makes room, unless that entry's score is higher than the newcomer's: then
    /// the newcomer is the weakest and is not kept. Either way one address loses its score, and
    /// <see cref="TableHeader.Evictions"/> counts it.
    /// </summary>
    private void Insert(IpKey key, uint home, int score, uint decayedAt, uint lastHit, uint now)
    {
        if (_header->Count >= _header->Capacity)
        {
            int victim = WeakestNear(home, now, out int victimScore);
            _header->Evictions++;
            if (victim < 0 || victimScore > Decay.ScoreAt(score, decayedAt, now, Spec.DecayPoints, Spec.DecayPeriodSeconds))
            {
                return;
            }

            RemoveAt(victim);
        }

        if (!TryPlace(key, home, score, decayedAt, lastHit))
        {
            // Only keys crafted against the seed crowd a neighbourhood this far (see MaxProbe).
            _header->Evictions++;
        }
    }

    /// <summary>
    /// Robin Hood insertion: the key goes to the first slot of its probe whose entry is nearer its
    /// own home than the key would be (or that is empty), and the run from there to the next empty
    /// slot moves one slot on. False when that would put an entry more than
    /// <see cref="TableLayout.MaxProbe"/> slots from home.
    /// </summary>
    private bool TryPlace(IpKey key, uint home, int score, uint decayedAt, uint lastHit)
    {
        uint distance = 0;
        int place = (int)home;
        while (!IsEmpty(_entries[place]) && DistanceFromHome(place) >= distance)
        {
            if (++distance >= TableLayout.MaxProbe)
            {
                return false;
            }

            place = (int)_reader.Next(home, distance);
        }

        // The table is never full of slots (capacity < slot count), so the run ends.
        uint longest = distance + 1;
        int end = place;
        while (!IsEmpty(_entries[end]))
        {
            uint moved = DistanceFromHome(end) + 1;
            if (moved >= TableLayout.MaxProbe)
            {
                return false;
            }

            longest = Math.Max(longest, moved + 1);
            end = (int)_reader.Next((uint)end, 1);
        }

        // Readers must look as far as the entries are about to be before they are there.
        if (longest > _header->LongestProbe)
        {
            Volatile.Write(ref _header->LongestProbe, longest);
        }

        if (end == place)
        {
            Write(place, key, score, decayedAt, lastHit);
        }
        else
        {
            // Entries move from the end backwards, each copied before its old slot is overwritten,
            // so a reader always finds a moving entry in one place or the other; "absent" answers
            // are checked against the odd structure sequence.
            uint structure = _header->StructureSeq;
            Volatile.Write(ref _header->StructureSeq, structure + 1);
            for (int to = end; to != place;)
            {
                int from = (int)_reader.Next((uint)to, _reader.SlotCount - 1);
                Copy(from, to);
                to = from;
            }

            Write(place, key, score, decayedAt, lastHit);
            Volatile.Write(ref _header->StructureSeq, structure + 2);
        }

        _header->Count++;
        return true;
    }

    /// <summary>
    /// The entry of the <see cref="TableLayout.MaxProbe"/> slots from <paramref name="home"/> that
    /// matters least: the lowest current score (so a blocked address goes only when every entry
    /// there is blocked), the least recently hit on a tie. -1 when those slots hold no entry.
    /// </summary>
    private int WeakestNear(uint home, uint now, out int weakestScore)
    {
        int weakest = -1;
        weakestScore = int.MaxValue;
        uint weakestLastHit = uint.MaxValue;
        for (uint distance = 0; distance < TableLayout.MaxProbe; distance++)
        {
            int index = (int)_reader.Next(home, distance);
            ref TableEntry entry = ref _entries[index];
            if (IsEmpty(entry))
            {
                continue;
            }

            int score = Decay.ScoreAt(entry.Score, entry.DecayedAt, now, Spec.DecayPoints, Spec.DecayPeriodSeconds);
            if (score < weakestScore || (score == weakestScore && entry.LastHit < weakestLastHit))
            {
                weakest = index;
                weakestScore = score;
                weakestLastHit = entry.LastHit;
            }
        }

        return weakest;
    }

    private uint DistanceFromHome(int index)
    {
        ref TableEntry entry = ref _entries[index];
        return _reader.Distance(_reader.Home(new IpKey(entry.KeyHi, entry.KeyLo)), (uint)index);
    }

    private static bool IsEmpty(in TableEntry entry) => entry.KeyHi == 0 && entry.KeyLo == 0;

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
    /// Backward-shift deletion: the entries after the hole that are not at their home slot move
    /// back one, so no tombstones are needed and the run stays in home order. Readers are told
    /// through the odd structure sequence, since an entry in flight could be missed by a probe.
    /// </summary>
    private void RemoveAt(int hole)
    {
        uint structure = _header->StructureSeq;
        Volatile.Write(ref _header->StructureSeq, structure + 1);

        while (true)
        {
            int next = (int)_reader.Next((uint)hole, 1);
            if (IsEmpty(_entries[next]) || DistanceFromHome(next) == 0)
            {
                break;
            }

            Copy(next, hole);
            hole = next;
        }

        Clear(hole);
        _header->Count--;
        Volatile.Write(ref _header->StructureSeq, structure + 2);
    }

    /// <summary>A key's home slot and its slot (-1 when it has none). Valid until the next write.</summary>
    private readonly record struct KeySlot(uint Home, int Index)
    {
        public bool IsFound => Index >= 0;
    }
}
