namespace Tinyfence.Table;

/// <summary>
/// A table key: one IPv6 address as two big-endian halves (<see cref="Hi"/> = bytes 0..7,
/// <see cref="Lo"/> = bytes 8..15). IPv4 <c>a.b.c.d</c> is kept as the IPv4-mapped
/// <c>::ffff:a.b.c.d</c>, so both spellings are the same key. The all-zero value <c>::</c>
/// is never a parsed key: the table uses it to mark an empty slot.
/// </summary>
public readonly partial struct IpKey : IEquatable<IpKey>
{
    /// <summary>The longest text <see cref="Format"/> writes: <c>ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255</c> would be 45.</summary>
    public const int MaxTextLength = 45;

    // ::ffff:0:0/96 in the low half: the upper 32 bits of Lo of every IPv4-mapped address.
    private const ulong MappedPrefixLo = 0x0000_FFFF_0000_0000UL;

    public IpKey(ulong hi, ulong lo)
    {
        Hi = hi;
        Lo = lo;
    }

    /// <summary>Address bytes 0..7, big-endian (byte 0 is the most significant).</summary>
    public ulong Hi { get; }

    /// <summary>Address bytes 8..15, big-endian.</summary>
    public ulong Lo { get; }

    /// <summary>The all-zero key <c>::</c>, which marks an empty slot.</summary>
    public bool IsEmpty => (Hi | Lo) == 0;

    /// <summary>True for an IPv4-mapped key (<c>::ffff:a.b.c.d</c>), i.e. an IPv4 client.</summary>
    public bool IsIPv4 => Hi == 0 && (Lo & 0xFFFF_FFFF_0000_0000UL) == MappedPrefixLo;

    /// <summary>The IPv4 address of a mapped key as a host-order integer (a.b.c.d = 0xaabbccdd).</summary>
    internal uint IPv4Value => (uint)Lo;

    internal static IpKey FromIPv4(uint address) => new(0, MappedPrefixLo | address);

    /// <summary>
    /// Keeps the first <paramref name="bits"/> bits (1..128) of an IPv6 key and clears the rest,
    /// so that all the addresses of one network count as one client. IPv4-mapped keys are
    /// returned unchanged: the prefix is an IPv6 notion. Masking can yield the empty key
    /// (<c>::1</c> with 64 bits); the caller decides what that means.
    /// </summary>
    public IpKey WithIPv6Prefix(int bits)
    {
        if ((uint)(bits - 1) >= 128)
        {
            TableThrowHelper.ThrowPrefixOutOfRange(bits);
        }

        if (IsIPv4 || bits == 128)
        {
            return this;
        }

        // Shifting a ulong by 64 is a shift by 0 in C#, hence the two halves are masked apart
        // and 128 (no masking) returned above.
        return bits >= 64
            ? new IpKey(Hi, Lo & ~(ulong.MaxValue >> (bits - 64)))
            : new IpKey(Hi & ~(ulong.MaxValue >> bits), 0);
    }

    public bool Equals(IpKey other) => Hi == other.Hi && Lo == other.Lo;

    public override bool Equals(object? obj) => obj is IpKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Hi, Lo);

    public static bool operator ==(IpKey left, IpKey right) => left.Equals(right);

    public static bool operator !=(IpKey left, IpKey right) => !left.Equals(right);

    /// <summary>The canonical text (see <see cref="Format"/>). Allocates: for logs and tests, not hot paths.</summary>
    public override string ToString()
    {
        Span<byte> text = stackalloc byte[MaxTextLength];
        int length = Format(text);
        return System.Text.Encoding.ASCII.GetString(text[..length]);
    }
}
