using System.Runtime.InteropServices;

namespace Tinyfence.Table;

/// <summary>
/// The byte layout of a table, shared with every reader process: a 128-byte header, then
/// <see cref="TableHeader.SlotCount"/> entries of 32 bytes, little-endian, in one mapping. Readers
/// check <see cref="Magic"/>, <see cref="Version"/> and the sizes before they trust anything else.
/// </summary>
internal static class TableLayout
{
    public const ulong Magic = 0x31454C4241544654; // "TFTABLE1"

    // 3: Robin Hood probing, and the probe bound a field of the header (LongestProbe) where it was
    // a constant of 32. Readers of another version find no table and fail open.
    public const uint Version = 3;
    public const int HeaderSize = 128;
    public const int EntrySize = 32;

    /// <summary>
    /// The hard bound on probes: no entry is ever put further than this from its home slot. With
    /// random keys it is never reached (at 3/4 full, the longest probe measures 16 to 23 slots for
    /// 200,000 entries, 23 to 27 for 2^20, and each slot further halves the odds): only keys crafted against the
    /// seed crowd a neighbourhood that far, and then the newcomer is refused, not an entry evicted.
    /// Also the neighbourhood a full table looks at for the entry to evict.
    /// </summary>
    public const int MaxProbe = 64;

    /// <summary>
    /// Slots for a capacity: at capacity the table is 3/4 full, which keeps the expected probe
    /// short (about 2.5 slots for a hit, 8.5 for a miss, and never more than
    /// <see cref="TableHeader.LongestProbe"/>): 4/3 slots per address, 43 bytes. Any count works
    /// (slots are chosen by multiply-shift), so there is no rounding up to a power of two.
    /// </summary>
    public static int SlotCountFor(int capacity) => (int)Math.Max(MaxProbe, ((long)capacity * 4 + 2) / 3);

    public static long BytesFor(int slotCount) => HeaderSize + (long)slotCount * EntrySize;
}

[StructLayout(LayoutKind.Explicit, Size = TableLayout.HeaderSize)]
internal unsafe struct TableHeader
{
    [FieldOffset(0)] public ulong Magic;
    [FieldOffset(8)] public uint Version;
    [FieldOffset(12)] public uint HeaderSize;
    [FieldOffset(16)] public uint SlotCount;
    [FieldOffset(20)] public uint Capacity;
    // The most slots any probe examines: one more than the longest distance an entry of this
    // file has ever had from its home slot (at most MaxProbe). It only grows, and it grows before
    // the entry that needs it is written.
    [FieldOffset(24)] public uint LongestProbe;
    [FieldOffset(28)] public uint EntrySize;
    [FieldOffset(32)] public ulong SeedK0;
    [FieldOffset(40)] public ulong SeedK1;
    [FieldOffset(48)] public int DecayPoints;
    [FieldOffset(52)] public uint DecayPeriod;
    [FieldOffset(56)] public int BlockAbove;
    [FieldOffset(60)] public int IPv6PrefixBits;

    // Set once when the daemon replaces this table (reload with another shape, restart): the
    // file is no longer written, and readers must open the path again.
    [FieldOffset(64)] public uint Retired;

    // Odd while a deletion moves entries: a reader that saw it change probes again.
    [FieldOffset(68)] public uint StructureSeq;

    // Seconds added to the wall clock by every reader (non-zero only under --test-clock).
    [FieldOffset(72)] public long ClockOffset;
    [FieldOffset(80)] public uint Count;
    [FieldOffset(84)] public uint Blocked;
    [FieldOffset(88)] public ulong Evictions;
    [FieldOffset(96)] public fixed byte Name[32];
}

/// <summary>
/// One slot. The writer makes <see cref="Seq"/> odd, writes the fields, then makes it even again;
/// a reader that saw the same even value before and after its reads has a consistent copy.
/// An all-zero key marks an empty slot (<c>::</c> is never a client).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = TableLayout.EntrySize)]
internal struct TableEntry
{
    [FieldOffset(0)] public uint Seq;
    [FieldOffset(4)] public int Score;
    [FieldOffset(8)] public uint DecayedAt;
    [FieldOffset(12)] public uint LastHit;
    [FieldOffset(16)] public ulong KeyHi;
    [FieldOffset(24)] public ulong KeyLo;
}
