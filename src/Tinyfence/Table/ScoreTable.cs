using System.Security.Cryptography;
using System.Text;

namespace Tinyfence.Table;

/// <summary>
/// A fixed-size open-addressing table of per-address scores: Robin Hood linear probing (entries
/// of a run kept in the order of their home slots, so no entry strays far from home), at most
/// <see cref="TableLayout.MaxProbe"/> slots from home, backward-shift deletion. It holds its
/// capacity in full: an entry is evicted only when the table is full, the weakest of the
/// newcomer's neighbourhood, and only if it is no higher than the newcomer. All of its memory is
/// allocated when it is created; no operation allocates. One writer at a time (a lock: requests arrive on several threads);
/// readers never lock (<see cref="TableReader"/>), in this process or through the shared view.
/// </summary>
public sealed unsafe partial class ScoreTable : IDisposable
{
    private readonly Lock _writeLock = new();
    private readonly TableMapping _memory;
    private readonly TableHeader* _header;
    private readonly TableEntry* _entries;
    private readonly TableReader _reader;
    private string? _unpublishedPath;
    private volatile IHitObserver? _hitObserver;

    private ScoreTable(TableSpec spec, TableMapping memory, string? viewPath, ulong seed0, ulong seed1)
    {
        Spec = spec;
        ViewPath = viewPath;
        _memory = memory;
        _header = (TableHeader*)memory.Base;
        _entries = (TableEntry*)(memory.Base + TableLayout.HeaderSize);
        WriteHeader(spec, TableLayout.SlotCountFor(spec.Capacity), seed0, seed1);
        _reader = new TableReader(memory.Base);
    }

    public TableSpec Spec { get; }

    /// <summary>The file other processes map to read this table; null for a private table.</summary>
    public string? ViewPath { get; }

    /// <summary>Where the table's file is now: beside <see cref="ViewPath"/> until published.</summary>
    public string? FilePath => _unpublishedPath ?? ViewPath;

    public int SlotCount => (int)_header->SlotCount;

    public long MemoryBytes => _memory.Length;

    /// <summary>The most slots a lookup examines in this table (see <see cref="TableHeader.LongestProbe"/>).</summary>
    public int LongestProbe => (int)Volatile.Read(ref _header->LongestProbe);

    public int Count => (int)Volatile.Read(ref _header->Count);

    /// <summary>Seconds added to the wall clock (moved only under <c>--test-clock</c>); readers see it too.</summary>
    public long ClockOffset
    {
        get => Volatile.Read(ref _header->ClockOffset);
        set => Volatile.Write(ref _header->ClockOffset, value);
    }

    public uint Now => TableClock.Now(ClockOffset);

    /// <summary>Told of every hit from now on (the table is shared with other nodes); null: nobody.</summary>
    public IHitObserver? HitObserver
    {
        get => _hitObserver;
        set => _hitObserver = value;
    }

    /// <summary>A table in private memory: no other process can read it.</summary>
    public static ScoreTable CreatePrivate(TableSpec spec) =>
        CreatePrivate(spec, RandomSeed(), RandomSeed());

    /// <summary>A private table with a known hash seed: for tests that craft colliding keys.</summary>
    internal static ScoreTable CreatePrivate(TableSpec spec, ulong seed0, ulong seed1) =>
        new(spec, TableMapping.Private(TableLayout.BytesFor(TableLayout.SlotCountFor(spec.Capacity))), null, seed0, seed1);

    /// <summary>
    /// A table that lives in the file <paramref name="viewPath"/>, for readers in other processes,
    /// published at once (see <see cref="CreateUnpublished"/>).
    /// </summary>
    public static ScoreTable CreateShared(TableSpec spec, string viewPath, UnixFileMode mode)
    {
        ScoreTable table = CreateUnpublished(spec, viewPath, mode);
        table.Publish();
        return table;
    }

    /// <summary>
    /// A table in a file beside <paramref name="viewPath"/>, not yet visible there: the caller
    /// fills it (a snapshot, the entries of the table it replaces) and then calls
    /// <see cref="Publish"/>, so readers never switch to a table that is still empty.
    /// </summary>
    public static ScoreTable CreateUnpublished(TableSpec spec, string viewPath, UnixFileMode mode)
    {
        long bytes = TableLayout.BytesFor(TableLayout.SlotCountFor(spec.Capacity));
        string temporary = $"{viewPath}.new-{Environment.ProcessId}";
        File.Delete(temporary);
        TableMapping memory = TableMapping.CreateFile(temporary, bytes, mode);
        return new ScoreTable(spec, memory, viewPath, RandomSeed(), RandomSeed()) { _unpublishedPath = temporary };
    }

    /// <summary>
    /// Renames the table's file into place; a table already at that path (an earlier run, a
    /// reload) is marked retired first, so readers still mapping it know to reopen.
    /// </summary>
    public void Publish()
    {
        if (_unpublishedPath is not { } temporary)
        {
            return;
        }

        RetireFileAt(ViewPath!);
        File.Move(temporary, ViewPath!, overwrite: true);
        _unpublishedPath = null;
    }

    /// <summary>Marks a table file as replaced, so its readers reopen the path.</summary>
    public static void RetireFileAt(string viewPath)
    {
        using TableMapping? old = TableMapping.OpenFile(viewPath, writable: true);
        if (old is not null && TableView.HasValidHeader(old))
        {
            Volatile.Write(ref ((TableHeader*)old.Base)->Retired, 1);
        }
    }

    /// <summary>Tells readers of this table's file that it is no longer written.</summary>
    public void Retire() => Volatile.Write(ref _header->Retired, 1);

    public bool IsBlocked(int score) => score > Spec.BlockAbove;

    /// <summary>The address as this table keys it (an IPv6 client by its prefix).</summary>
    public IpKey Normalize(IpKey key) => Normalize(key, Spec.IPv6PrefixBits);

    /// <summary>
    /// An IPv6 client keyed by its prefix; the zero prefix (<c>::/64</c> holds only special
    /// addresses such as <c>::1</c>) keeps the full address, since all zero marks an empty slot.
    /// </summary>
    internal static IpKey Normalize(IpKey key, int prefixBits)
    {
        IpKey prefix = key.WithIPv6Prefix(prefixBits);
        return prefix.IsEmpty ? key : prefix;
    }

    public int ScoreAt(in StoredScore stored, uint now) =>
        Decay.ScoreAt(stored.Score, stored.DecayedAt, now, Spec.DecayPoints, Spec.DecayPeriodSeconds);

    /// <summary>The address's score at <paramref name="now"/>, 0 when it has none. Never locks unless the writer stays busy.</summary>
    public int Get(IpKey key, uint now)
    {
        key = Normalize(key);
        ReadOutcome outcome = _reader.TryRead(key, out StoredScore stored);
        if (outcome == ReadOutcome.Busy)
        {
            // In process the writer is alive and holds the lock only briefly: wait for it.
            lock (_writeLock)
            {
                outcome = _reader.TryRead(key, out stored);
            }
        }

        return outcome == ReadOutcome.Found ? ScoreAt(stored, now) : 0;
    }

    /// <summary>Adds <paramref name="points"/> (at least 1) to the address's decayed score; returns the new score.</summary>
    public int Hit(IpKey key, int points, uint now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(points);
        key = Normalize(key);
        int score = points;
        lock (_writeLock)
        {
            KeySlot slot = Locate(key);
            uint decayedTo = now;
            if (slot.IsFound)
            {
                ref TableEntry entry = ref _entries[slot.Index];
                int scoreNow = Decay.ScoreAt(entry.Score, entry.DecayedAt, now, Spec.DecayPoints, Spec.DecayPeriodSeconds);
                decayedTo = Decay.DecayedTo(scoreNow, entry.DecayedAt, now, Spec.DecayPoints, Spec.DecayPeriodSeconds);
                score = (int)Math.Min(int.MaxValue, (long)scoreNow + points);
            }

            Put(key, slot, score, decayedTo, now, now);
        }

        _hitObserver?.OnHit(key, points, now);
        return score;
    }

    /// <summary>Sets the address's score (0 removes it).</summary>
    public void Set(IpKey key, int score, uint now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(score);
        key = Normalize(key);
        lock (_writeLock)
        {
            KeySlot slot = Locate(key);
            if (score > 0)
            {
                Put(key, slot, score, now, now, now);
            }
            else if (slot.IsFound)
            {
                RemoveAt(slot.Index);
            }
        }
    }

    /// <summary>Removes the address; false when it had no entry.</summary>
    public bool Delete(IpKey key)
    {
        key = Normalize(key);
        lock (_writeLock)
        {
            KeySlot slot = Locate(key);
            if (!slot.IsFound)
            {
                return false;
            }

            RemoveAt(slot.Index);
            return true;
        }
    }

    /// <summary>
    /// Puts back an entry as it was stored (a snapshot, a table being replaced): its score keeps
    /// the time it was decayed to, so the time in between decays it like any other.
    /// </summary>
    public void Restore(in StoredScore stored)
    {
        if (stored.Key.IsEmpty || stored.Score <= 0)
        {
            return;
        }

        IpKey key = Normalize(stored.Key);
        lock (_writeLock)
        {
            Put(key, Locate(key), stored.Score, stored.DecayedAt, stored.LastHit, Now);
        }
    }

    /// <summary>
    /// Takes on a score other nodes gave the address (a shared table), as stored with the time it
    /// was decayed to, when it is higher now than the address's own; false when the own is as high.
    /// </summary>
    public bool Adopt(in StoredScore shared, uint now)
    {
        if (shared.Key.IsEmpty || shared.Score <= 0)
        {
            return false;
        }

        IpKey key = Normalize(shared.Key);
        lock (_writeLock)
        {
            KeySlot slot = Locate(key);
            int own = slot.IsFound ? Decay.ScoreAt(_entries[slot.Index].Score, _entries[slot.Index].DecayedAt, now, Spec.DecayPoints, Spec.DecayPeriodSeconds) : 0;
            if (ScoreAt(shared, now) <= own)
            {
                return false;
            }

            Put(key, slot, shared.Score, shared.DecayedAt, now, now);
            return true;
        }
    }

    /// <summary>The stored entry of an address, undecayed (tests and the torn-read stress test).</summary>
    internal ReadOutcome TryRead(IpKey key, out StoredScore stored) => _reader.TryRead(Normalize(key), out stored);

    /// <summary>The slot a key's probe starts at (tests that craft collisions).</summary>
    internal uint HomeOf(IpKey key) => _reader.Home(key);

    public void Dispose()
    {
        _memory.Dispose();
        if (_unpublishedPath is not null)
        {
            File.Delete(_unpublishedPath);
        }
    }

    private static ulong RandomSeed()
    {
        Span<byte> seed = stackalloc byte[8];
        RandomNumberGenerator.Fill(seed);
        return BitConverter.ToUInt64(seed);
    }

    private void WriteHeader(TableSpec spec, int slotCount, ulong seed0, ulong seed1)
    {
        TableHeader* h = _header;
        h->Version = TableLayout.Version;
        h->HeaderSize = TableLayout.HeaderSize;
        h->SlotCount = (uint)slotCount;
        h->Capacity = (uint)spec.Capacity;
        h->LongestProbe = 0;
        h->EntrySize = TableLayout.EntrySize;
        h->SeedK0 = seed0;
        h->SeedK1 = seed1;
        h->DecayPoints = spec.DecayPoints;
        h->DecayPeriod = spec.DecayPeriodSeconds;
        h->BlockAbove = spec.BlockAbove;
        h->IPv6PrefixBits = spec.IPv6PrefixBits;
        Encoding.ASCII.GetBytes(spec.Name, new Span<byte>(h->Name, TableSpec.MaxNameLength));

        // Readers trust nothing before the magic: it is written last.
        Volatile.Write(ref h->Magic, TableLayout.Magic);
    }
}
