using Tinyfence.Table;

namespace Tinyfence.Firewall;

/// <summary>
/// Adds or removes elements of one set within a batch, as many messages as they need: a
/// message's element list is one attribute, whose length is 16 bits.
/// </summary>
internal struct ElementMessages(NetlinkMessages batch, ushort message, byte[] set, bool ipv6)
{
    // 1,024 IPv6 elements with their timeouts are about 41 KB of the 64 KB an attribute holds.
    private const int PerMessage = 1024;

    private int _list = -1;
    private int _count;

    /// <summary>Elements written so far.</summary>
    public int Total { get; private set; }

    /// <summary>One element: an address (an IPv6 prefix's first address), with its timeout when added.</summary>
    public void Add(IpKey key, ulong timeoutMs)
    {
        if (_list < 0)
        {
            KernelObjects.BeginElements(batch, message, set);
            _list = batch.BeginNest(NfTables.NFTA_SET_ELEM_LIST_ELEMENTS);
        }

        Span<byte> bytes = stackalloc byte[16];
        KernelObjects.Element(batch, KeyBytes(key, ipv6, bytes), timeoutMs);
        Total++;
        if (++_count == PerMessage)
        {
            Finish();
        }
    }

    /// <summary>Ends the message under way, if any.</summary>
    public void Finish()
    {
        if (_list >= 0)
        {
            batch.EndNest(_list);
            batch.End();
            _list = -1;
            _count = 0;
        }
    }

    /// <summary>The key as the set holds it: 4 bytes of IPv4, or 16 of IPv6, in network order.</summary>
    public static ReadOnlySpan<byte> KeyBytes(IpKey key, bool ipv6, Span<byte> bytes)
    {
        if (!ipv6)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, key.IPv4Value);
            return bytes[..4];
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes, key.Hi);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], key.Lo);
        return bytes[..16];
    }
}
