using System.Buffers.Binary;

namespace Tinyfence.Blocklist;

/// <summary>
/// One page of <c>BASE.pag</c> (sdbm_pair.c). The page starts with an array of shorts,
/// <c>ino[]</c>: <c>ino[0]</c> is the number of offsets that follow (two per pair), then for each
/// pair the offset of its key and the offset of its value. Keys and values are packed from the
/// end of the page downwards, key first: a pair's key ends where the previous pair's value starts
/// (the page end for the first pair), and its value ends where its key starts.
/// </summary>
/// <remarks>
/// apr-util reads the shorts in the host's byte order; both supported targets (x86-64, arm64)
/// are little-endian, which is what is written here, so the files are portable between them.
/// </remarks>
public static class SdbmPage
{
    public static int EntryCount(ReadOnlySpan<byte> page) => ReadShort(page, 0);

    public static int PairCount(ReadOnlySpan<byte> page) => ReadShort(page, 0) / 2;

    /// <summary>fitpair then putpair: appends the pair if it fits, else leaves the page as it was.</summary>
    public static bool TryPut(Span<byte> page, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int n = ReadShort(page, 0);
        int end = n > 0 ? ReadShort(page, n) : SdbmFormat.PageSize;
        int free = end - ((n + 1) * sizeof(short));
        if (SdbmFormat.PairCost(key.Length, value.Length) > free)
        {
            return false;
        }

        int keyOffset = end - key.Length;
        key.CopyTo(page[keyOffset..]);
        int valueOffset = keyOffset - value.Length;
        value.CopyTo(page[valueOffset..]);
        WriteShort(page, n + 1, keyOffset);
        WriteShort(page, n + 2, valueOffset);
        WriteShort(page, 0, n + 2);
        return true;
    }

    /// <summary>getpair/seepair: the value of the first pair whose key matches.</summary>
    public static bool TryFind(ReadOnlySpan<byte> page, ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        int n = ReadShort(page, 0);
        int end = SdbmFormat.PageSize;
        for (int i = 1; i < n; i += 2)
        {
            int keyOffset = ReadShort(page, i);
            int valueOffset = ReadShort(page, i + 1);
            if (end - keyOffset == key.Length && page[keyOffset..end].SequenceEqual(key))
            {
                value = page[valueOffset..keyOffset];
                return true;
            }

            end = valueOffset;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// chkpage (sdbm_pair.c): the check apr-util applies to every page it reads. A page failing it
    /// makes apr_sdbm_fetch return APR_ENOSPC, i.e. a lookup error in Apache.
    /// </summary>
    public static bool IsValid(ReadOnlySpan<byte> page)
    {
        int n = ReadShort(page, 0);
        if (n < 0 || n > SdbmFormat.PageSize / sizeof(short))
        {
            return false;
        }

        int end = SdbmFormat.PageSize;
        // chkpage steps two offsets at a time while n > 0, so an odd n reads one offset past it.
        for (int i = 1; n > 0; i += 2, n -= 2)
        {
            if ((i + 2) * sizeof(short) > SdbmFormat.PageSize)
            {
                return false; // apr-util would read past its page buffer here; no valid page gets this far
            }

            int keyOffset = ReadShort(page, i);
            int valueOffset = ReadShort(page, i + 1);
            if (keyOffset < 0 || keyOffset > end || valueOffset < 0 || valueOffset > end || valueOffset > keyOffset)
            {
                return false;
            }

            end = valueOffset;
        }

        return true;
    }

    private static int ReadShort(ReadOnlySpan<byte> page, int index) =>
        BinaryPrimitives.ReadInt16LittleEndian(page[(index * sizeof(short))..]);

    private static void WriteShort(Span<byte> page, int index, int value) =>
        BinaryPrimitives.WriteInt16LittleEndian(page[(index * sizeof(short))..], (short)value);
}
