using Tinyfence.Table;

namespace Tinyfence.Tests.Table;

/// <summary>Keys built from numbers, for tests that need many distinct addresses.</summary>
internal static class Keys
{
    public static IpKey V4(uint address) => new(0, 0xFFFF_0000_0000UL | address);

    public static IpKey V4(byte a, byte b, byte c, byte d) => V4((uint)(a << 24 | b << 16 | c << 8 | d));

    public static IpKey V6(ulong hi, ulong lo) => new(hi, lo);
}
