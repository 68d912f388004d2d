namespace Tinyfence.Blocklist;

/// <summary>
/// The keys of one rewrite, as records (<see cref="SdbmKeyRecords"/>) in the order added, in blocks
/// of 128 KiB kept from one rewrite to the next. A block is large enough to go straight to the
/// large object heap and stays where it is: the store grows without copying and leaves nothing
/// behind (an array doubled as it grew left its outgrown halves, 0.5 MB at 100,000 keys, which the
/// GC heap kept). A key is named by its handle: its block and its place in the block.
/// </summary>
internal sealed class SdbmKeyStore
{
    private const int BlockShift = 17;
    private const int BlockBytes = 1 << BlockShift;

    private byte[][] _blocks = [];
    private int[] _used = [];

    // Blocks holding records now; those past it wait for a later rewrite.
    private int _blockCount;

    /// <summary>Forgets the keys; keeps the blocks.</summary>
    public void Clear()
    {
        _blockCount = 0;
    }

    public void Add(ReadOnlySpan<byte> key)
    {
        if (_blockCount == 0 || _used[_blockCount - 1] + SdbmKeyRecords.MaxRecordLength > BlockBytes)
        {
            NextBlock();
        }

        int last = _blockCount - 1;
        _used[last] += SdbmKeyRecords.Write(key, _blocks[last].AsSpan(_used[last]));
    }

    /// <summary>
    /// The key at <paramref name="handle"/> (0 for the first), which then names the next key; false
    /// past the last. A handle always names a record, never the end of a block.
    /// </summary>
    public bool TryRead(ref int handle, Span<byte> scratch, out ReadOnlySpan<byte> key)
    {
        int block = handle >> BlockShift;
        int offset = handle & (BlockBytes - 1);
        if (block >= _blockCount || offset >= _used[block])
        {
            key = default;
            return false;
        }

        key = SdbmKeyRecords.Read(_blocks[block], ref offset, scratch);
        handle = offset < _used[block] || block + 1 == _blockCount ? (block << BlockShift) | offset : (block + 1) << BlockShift;
        return true;
    }

    /// <summary>The key at <paramref name="handle"/>, as <see cref="TryRead"/> found it there.</summary>
    public ReadOnlySpan<byte> At(int handle, Span<byte> scratch)
    {
        int offset = handle & (BlockBytes - 1);
        return SdbmKeyRecords.Read(_blocks[handle >> BlockShift], ref offset, scratch);
    }

    private void NextBlock()
    {
        if (_blockCount == _blocks.Length)
        {
            Array.Resize(ref _blocks, Math.Max(4, _blocks.Length * 2));
            Array.Resize(ref _used, _blocks.Length);
        }

        _blocks[_blockCount] ??= new byte[BlockBytes];
        _used[_blockCount] = 0;
        _blockCount++;
    }
}
