using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tinyfence.Table;

/// <summary>
/// SipHash-1-3 of a 16-byte key under a 128-bit secret seed. Clients choose their addresses (an
/// IPv6 client owns 2^64 of them), so a predictable hash would let one craft keys that all land in
/// one probe window and evict everybody else; keyed, the slots are unpredictable to anyone who
/// cannot read the table file. The seed is in the file's header so readers hash the same way.
/// </summary>
internal readonly struct KeyHash
{
    private readonly ulong _k0;
    private readonly ulong _k1;

    public KeyHash(ulong k0, ulong k1)
    {
        _k0 = k0;
        _k1 = k1;
    }

    public ulong Of(ulong hi, ulong lo)
    {
        ulong v0 = _k0 ^ 0x736f6d6570736575;
        ulong v1 = _k1 ^ 0x646f72616e646f6d;
        ulong v2 = _k0 ^ 0x6c7967656e657261;
        ulong v3 = _k1 ^ 0x7465646279746573;

        Compress(ref v0, ref v1, ref v2, ref v3, hi);
        Compress(ref v0, ref v1, ref v2, ref v3, lo);
        Compress(ref v0, ref v1, ref v2, ref v3, 16UL << 56);

        v2 ^= 0xff;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Compress(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3, ulong m)
    {
        v3 ^= m;
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= m;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = BitOperations.RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3;
        v3 = BitOperations.RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = BitOperations.RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = BitOperations.RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = BitOperations.RotateLeft(v2, 32);
    }
}
