namespace Tinyfence.Blocklist;

/// <summary>
/// <c>BASE.dir</c>: a bitmap of the split tree (getpage and getdbit in sdbm.c). A lookup starts at
/// bit 0 and, while the current bit is set, moves to child 2b+1 or 2b+2 by the next low bit of the
/// key's hash; where it stops after k steps, the page is <c>hash &amp; (2^k - 1)</c>. Bit b lives in
/// byte b/8, mask <c>1 &lt;&lt; (b % 8)</c>. Bits past the end of the file read as 0.
/// </summary>
/// <remarks>
/// Tinyfence always writes the complete tree of one depth d (bits 0 .. 2^d - 2 set, every other
/// bit clear), so every key's page is <c>hash &amp; (2^d - 1)</c> and the file depends on d alone.
/// </remarks>
public static class SdbmDirectory
{
    /// <summary>
    /// The file length for depth d: the bitmap rounded up to whole DBLKSIZ blocks, since apr-util
    /// reads the file a block at a time and a short last block ends in EOF, which read_from turns
    /// into a block of zeros (every bit clear). Depth 0 is the empty file of a fresh database.
    /// </summary>
    public static int FileLength(int depth)
    {
        if (depth == 0)
        {
            return 0;
        }

        int bytes = (((1 << depth) - 1) + 7) / 8;
        return (bytes + SdbmFormat.DirectoryBlockSize - 1) / SdbmFormat.DirectoryBlockSize * SdbmFormat.DirectoryBlockSize;
    }

    /// <summary>Writes the complete tree of <paramref name="depth"/> into exactly <see cref="FileLength"/> bytes.</summary>
    public static void Write(Span<byte> directory, int depth)
    {
        directory.Clear();
        int bits = (1 << depth) - 1;
        directory[..(bits / 8)].Fill(0xFF);
        if (bits % 8 != 0)
        {
            directory[bits / 8] = (byte)((1 << (bits % 8)) - 1);
        }
    }

    /// <summary>The depth of a complete tree written by <see cref="Write"/>, or -1 for any other content.</summary>
    public static int ParseDepth(ReadOnlySpan<byte> directory)
    {
        for (int depth = 0; depth <= SdbmFormat.MaxTreeDepth; depth++)
        {
            int length = FileLength(depth);
            if (length > directory.Length)
            {
                return -1;
            }

            if (length == directory.Length && IsCompleteTree(directory, depth))
            {
                return depth;
            }
        }

        return -1;
    }

    /// <summary>The page apr-util reads for a hash (getpage's walk), for checks and tests.</summary>
    public static long PageOf(uint hash, ReadOnlySpan<byte> directory)
    {
        long bit = 0;
        int depth = 0;
        long bitCount = (long)directory.Length * 8;
        while (bit < bitCount && (directory[(int)(bit / 8)] & (1 << (int)(bit % 8))) != 0 && depth < SdbmFormat.MaxTreeDepth)
        {
            bit = (2 * bit) + (((hash >> depth) & 1) != 0 ? 2 : 1);
            depth++;
        }

        return hash & ((1L << depth) - 1);
    }

    private static bool IsCompleteTree(ReadOnlySpan<byte> directory, int depth)
    {
        int bits = (1 << depth) - 1;
        int full = bits / 8;
        if (directory[..full].ContainsAnyExcept((byte)0xFF))
        {
            return false;
        }

        if (full == directory.Length)
        {
            return true;
        }

        byte partial = (byte)((1 << (bits % 8)) - 1);
        return directory[full] == partial && !directory[(full + 1)..].ContainsAnyExcept((byte)0);
    }
}
