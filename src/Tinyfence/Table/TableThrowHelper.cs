using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Tinyfence.Table;

/// <summary>The cold paths of this folder: misuse by a caller, kept out of line so the hot methods stay small.</summary>
internal static class TableThrowHelper
{
    [DoesNotReturn]
    public static void ThrowPrefixOutOfRange(int bits) => throw CreatePrefixOutOfRange(bits);

    [DoesNotReturn]
    public static void ThrowDestinationTooShort() => throw CreateDestinationTooShort();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentOutOfRangeException CreatePrefixOutOfRange(int bits) =>
        new(nameof(bits), bits, "an IPv6 prefix length is 1..128 bits.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException CreateDestinationTooShort() =>
        new("the destination is too short for the address text (IpKey.MaxTextLength bytes always suffice).", "destination");
}
