using System.Security.Cryptography;
using Tinyfence.Table;

namespace Tinyfence.Firewall;

/// <summary>
/// The elements the daemon put in one kernel set and when each expires there (table seconds):
/// what lets a second's upkeep send only the changes. Open addressing with linear probing under
/// a keyed hash (clients choose their addresses); no deletion: each upkeep fills a fresh one and
/// the two are swapped. It grows when the blocked set outgrows it, and never allocates otherwise.
/// </summary>
internal sealed class InstalledElements
{
    private const int MinimumSlots = 64;

    private readonly KeyHash _hash = new(RandomSeed(), RandomSeed());
    private Slot[] _slots = new Slot[MinimumSlots];

    public int Count { get; private set; }

    public void Clear()
    {
        if (Count > 0)
        {
            Array.Clear(_slots);
            Count = 0;
        }
    }

    /// <summary>The slot holding <paramref name="key"/>, or -1.</summary>
    public int Find(IpKey key)
    {
        Slot[] slots = _slots;
        int mask = slots.Length - 1;
        for (int i = (int)_hash.Of(key.Hi, key.Lo) & mask; ; i = (i + 1) & mask)
        {
            ref Slot slot = ref slots[i];
            if (!slot.Used)
            {
                return -1;
            }

            if (slot.Hi == key.Hi && slot.Lo == key.Lo)
            {
                return i;
            }
        }
    }

    public ref Slot this[int index] => ref _slots[index];

    /// <summary>Adds a key not yet present.</summary>
    public void Add(IpKey key, uint expiresAt)
    {
        if ((Count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        Place(new Slot { Hi = key.Hi, Lo = key.Lo, ExpiresAt = expiresAt, Used = true });
        Count++;
    }

    /// <summary>Slots, used or not, for a scan by index.</summary>
    public int SlotCount => _slots.Length;

    private void Place(in Slot entry)
    {
        int mask = _slots.Length - 1;
        int i = (int)_hash.Of(entry.Hi, entry.Lo) & mask;
        while (_slots[i].Used)
        {
            i = (i + 1) & mask;
        }

        _slots[i] = entry;
    }

    private void Grow()
    {
        Slot[] old = _slots;
        _slots = new Slot[old.Length * 2];
        foreach (ref readonly Slot slot in old.AsSpan())
        {
            if (slot.Used)
            {
                Place(slot);
            }
        }
    }

    private static ulong RandomSeed()
    {
        Span<byte> seed = stackalloc byte[8];
        RandomNumberGenerator.Fill(seed);
        return BitConverter.ToUInt64(seed);
    }

    internal struct Slot
    {
        public ulong Hi;
        public ulong Lo;

        /// <summary>When the kernel drops the element on its own (table seconds).</summary>
        public uint ExpiresAt;

        public bool Used;

        /// <summary>Still blocked at this upkeep: carried into the next set of elements.</summary>
        public bool Carried;

        /// <summary>Its counter was read and counted: it is put in anew, with a fresh counter.</summary>
        public bool CounterRead;

        public readonly IpKey Key => new(Hi, Lo);
    }
}
