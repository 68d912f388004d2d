namespace Tinyfence.Table;

public readonly record struct TableStats(int Entries, int Capacity, int Slots, int Blocked, ulong Evictions);
