namespace Tinyfence.Blocklist;

/// <summary>
/// The constants and the hash of apr-util's SDBM (dbm/sdbm in apr-util 1.x, the format of Apache's
/// <c>RewriteMap dbm=sdbm:</c>). See README.md in this folder for where each fact comes from.
/// </summary>
public static class SdbmFormat
{
    /// <summary>PBLKSIZ (sdbm_private.h): one page of <c>BASE.pag</c>.</summary>
    public const int PageSize = 1024;

    /// <summary>DBLKSIZ (sdbm_private.h): the unit in which <c>BASE.dir</c> is read.</summary>
    public const int DirectoryBlockSize = 4096;

    /// <summary>
    /// Bytes of a page available to pairs: the page minus the entry count (<c>ino[0]</c>).
    /// A pair costs <see cref="PairCost"/> of them (fitpair in sdbm_pair.c).
    /// </summary>
    public const int PageCapacity = PageSize - sizeof(short);

    /// <summary>PAIRMAX (sdbm_private.h): apr_sdbm_store refuses a larger key plus value.</summary>
    public const int MaxPairLength = 1008;

    /// <summary>
    /// The deepest tree a reader can walk: masks[] in sdbm.c has 32 entries, and
    /// <c>1 &lt;&lt; hbit</c> is an int shift, so bit 31 would be sign-extended.
    /// </summary>
    public const int MaxTreeDepth = 30;

    /// <summary>Bytes of a page taken by one pair: key, value and their two short offsets.</summary>
    public static int PairCost(int keyLength, int valueLength) => keyLength + valueLength + 2 * sizeof(short);

    /// <summary>
    /// sdbm_hash (sdbm_hash.c): <c>n = *str++ + 65599 * n</c> over the key, in an unsigned long.
    /// Only the low bits pick a page (at most <see cref="MaxTreeDepth"/>), and the low 32 bits of
    /// the product do not depend on the higher ones, so 32-bit arithmetic gives the same pages.
    /// The C code adds a plain <c>char</c>, signed on x86-64 and unsigned on arm64: bytes of 0x80
    /// and above would hash differently on the two, which is why keys must be ASCII.
    /// </summary>
    public static uint Hash(ReadOnlySpan<byte> key)
    {
        uint n = 0;
        foreach (byte b in key)
        {
            n = unchecked(b + (65599u * n));
        }

        return n;
    }
}
