using System.Runtime.InteropServices;

namespace Tinyfence.Firewall;

/// <summary>
/// Walks the attributes of a netlink message in place: <c>while (Read()) switch (Type)</c>.
/// A truncated or malformed attribute ends the walk; nothing is copied.
/// </summary>
internal ref struct NetlinkAttributes(ReadOnlySpan<byte> attributes)
{
    private ReadOnlySpan<byte> _rest = attributes;

    /// <summary>The current attribute's type, without the nested and byte-order flags.</summary>
    public ushort Type { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    public bool Read()
    {
        ReadOnlySpan<byte> rest = _rest;
        if (rest.Length < NfTables.AttributeHeaderBytes)
        {
            return false;
        }

        int length = MemoryMarshal.Read<ushort>(rest);
        if (length < NfTables.AttributeHeaderBytes || length > rest.Length)
        {
            _rest = default;
            return false;
        }

        Type = (ushort)(MemoryMarshal.Read<ushort>(rest[2..]) & NfTables.NLA_TYPE_MASK);
        Value = rest[NfTables.AttributeHeaderBytes..length];
        int padded = (length + 3) & ~3;
        _rest = padded >= rest.Length ? default : rest[padded..];
        return true;
    }
}
