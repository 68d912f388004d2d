using System.Runtime.CompilerServices;

namespace Tinyfence.Table;

/// <summary>
/// Lock-free lookups in a table's memory, as the daemon's request threads and the adapters in
/// other processes do them while the daemon writes. A probe goes from the key's home slot until
/// the key, an empty slot, or <see cref="TableHeader.LongestProbe"/> slots. Each entry is copied
/// under its sequence counter; the whole probe is repeated if an insertion or a deletion moved
/// entries meanwhile. Retries are bounded so a reader never hangs, not even on a table whose
/// writer died mid-write.
/// </summary>
internal readonly unsafe struct TableReader
{
    private const int MaxAttempts = 64;

    // Inside a probe an entry gets only a few quick retries: the probe itself is retried (up to
    // MaxAttempts), and nesting two full retry loops would make a slot left odd by a writer that
    // died mid-write cost milliseconds on every lookup that passes it.
    private const int ProbeEntryAttempts = 4;

    private readonly TableHeader* _header;
    private readonly TableEntry* _entries;
    private readonly uint _slots;
    private readonly KeyHash _hash;

    public TableReader(byte* tableBase)
    {
        _header = (TableHeader*)tableBase;
        _entries = (TableEntry*)(tableBase + TableLayout.HeaderSize);
        _slots = _header->SlotCount;
        _hash = new KeyHash(_header->SeedK0, _header->SeedK1);
    }

    /// <summary>
    /// The slot a key's probe starts at: the hash scaled onto the slot count (multiply-shift, so
    /// the count need not be a power of two and the table only as large as its capacity needs).
    /// </summary>
    public uint Home(IpKey key) => (uint)(((ulong)(uint)_hash.Of(key.Hi, key.Lo) * _slots) >> 32);

    public uint SlotCount => _slots;

    /// <summary>The key's full 64-bit keyed hash (fingerprints of key sets).</summary>
    public ulong Hash(IpKey key) => _hash.Of(key.Hi, key.Lo);

    /// <summary>
    /// How many slots a probe examines at most: the writer's bound, read anew for each probe
    /// (it grows while the table fills), clamped so a damaged file cannot send a reader further.
    /// </summary>
    public uint ProbeLimit => Math.Min(Volatile.Read(ref _header->LongestProbe), Math.Min((uint)TableLayout.MaxProbe, _slots));

    /// <summary>How far slot <paramref name="index"/> is from <paramref name="home"/>, wrapping at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Distance(uint home, uint index) => index >= home ? index - home : index + _slots - home;

    /// <summary>The slot <paramref name="distance"/> after <paramref name="home"/>, wrapping at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Next(uint home, uint distance)
    {
        uint index = home + distance;
        return index >= _slots ? index - _slots : index;
    }

    public ReadOutcome TryRead(IpKey key, out StoredScore stored)
    {
        uint home = Home(key);
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            uint structure = Volatile.Read(ref _header->StructureSeq);
            ReadOutcome outcome = Probe(key, home, out stored);

            // A consistent copy of the key's entry is an answer even while a deletion moves
            // entries: a shift copies an entry before it overwrites its old slot, so both copies
            // hold the same value. Only "absent" can be wrong then (the probe may have passed the
            // slot an entry was moving to, and found its old slot already reused).
            if (outcome == ReadOutcome.Found
                || (outcome == ReadOutcome.Absent && (structure & 1) == 0 && Volatile.Read(ref _header->StructureSeq) == structure))
            {
                return outcome;
            }

            Thread.SpinWait(1 << Math.Min(attempt, 6));
        }

        stored = default;
        return ReadOutcome.Busy;
    }

    private ReadOutcome Probe(IpKey key, uint home, out StoredScore stored)
    {
        uint limit = ProbeLimit;
        for (uint distance = 0; distance < limit; distance++)
        {
            if (!TryCopy(ref _entries[Next(home, distance)], out stored, ProbeEntryAttempts))
            {
                return ReadOutcome.Busy;
            }

            if (stored.Key.IsEmpty)
            {
                return ReadOutcome.Absent;
            }

            if (stored.Key == key)
            {
                return ReadOutcome.Found;
            }
        }

        stored = default;
        return ReadOutcome.Absent;
    }

    /// <summary>Copies one slot consistently; false if the writer kept it busy for every retry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryCopy(ref TableEntry entry, out StoredScore stored, int attempts = MaxAttempts)
    {
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            uint before = Volatile.Read(ref entry.Seq);
            if ((before & 1) == 0)
            {
                // Volatile reads keep every field read between the two reads of Seq.
                ulong hi = Volatile.Read(ref entry.KeyHi);
                ulong lo = Volatile.Read(ref entry.KeyLo);
                int score = Volatile.Read(ref entry.Score);
                uint decayedAt = Volatile.Read(ref entry.DecayedAt);
                uint lastHit = Volatile.Read(ref entry.LastHit);
                if (Volatile.Read(ref entry.Seq) == before)
                {
                    stored = new StoredScore(new IpKey(hi, lo), score, decayedAt, lastHit);
                    return true;
                }
            }

            Thread.SpinWait(1 << Math.Min(attempt, 6));
        }

        stored = default;
        return false;
    }
}
