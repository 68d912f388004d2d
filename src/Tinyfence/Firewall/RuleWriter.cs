using System.Buffers.Binary;

namespace Tinyfence.Firewall;

/// <summary>
/// The expressions of the rule a score table installs per port and address family, what
/// <c>nft</c> shows as
/// <c>tcp dport 80 tcp flags &amp; (fin|syn|rst|ack) == syn ip saddr @spam_ipv4 reject with tcp reset</c>
/// (IPv6: <c>ip6 saddr &amp; ffff:ffff:ffff:ffff:: @spam_ipv6</c>, the mask being the table's
/// <c>ipv6-prefix</c>, so one element holds a whole prefix and the set stays a hash).
/// </summary>
internal static class RuleWriter
{
    // TCP's flags byte: fin 0x01, syn 0x02, rst 0x04, ack 0x10. A new connection is a syn alone.
    private const byte TcpFlagsOffset = 13;
    private const byte ConnectionFlags = 0x17;
    private const byte Syn = 0x02;
    private const byte ProtocolTcp = 6;

    public static void Write(NetlinkMessages m, ReadOnlySpan<byte> table, ReadOnlySpan<byte> chain, ReadOnlySpan<byte> set, ushort port, bool ipv6, int prefixBits)
    {
        m.Begin(NfTables.NFT_MSG_NEWRULE, NfTables.NLM_F_CREATE | NfTables.NLM_F_APPEND, NfTables.NFPROTO_INET);
        m.String(NfTables.NFTA_RULE_TABLE, table);
        m.String(NfTables.NFTA_RULE_CHAIN, chain);
        int expressions = m.BeginNest(NfTables.NFTA_RULE_EXPRESSIONS);
        Meta(m, NfTables.NFT_META_L4PROTO);
        Compare(m, [ProtocolTcp]);
        Payload(m, NfTables.NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
        Span<byte> portBytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(portBytes, port);
        Compare(m, portBytes);
        Payload(m, NfTables.NFT_PAYLOAD_TRANSPORT_HEADER, TcpFlagsOffset, 1);
        Bitwise(m, [ConnectionFlags]);
        Compare(m, [Syn]);
        Meta(m, NfTables.NFT_META_NFPROTO);
        Compare(m, [ipv6 ? NfTables.NFPROTO_IPV6 : NfTables.NFPROTO_IPV4]);
        if (ipv6)
        {
            // Source address: bytes 8..23 of the IPv6 header.
            Payload(m, NfTables.NFT_PAYLOAD_NETWORK_HEADER, 8, 16);
            if (prefixBits < 128)
            {
                Span<byte> mask = stackalloc byte[16];
                PrefixMask(prefixBits, mask);
                Bitwise(m, mask);
            }
        }
        else
        {
            // Source address: bytes 12..15 of the IPv4 header.
            Payload(m, NfTables.NFT_PAYLOAD_NETWORK_HEADER, 12, 4);
        }

        Lookup(m, set);
        Reject(m);
        m.EndNest(expressions);
        m.End();
    }

    /// <summary>The first <paramref name="bits"/> bits set, the rest clear.</summary>
    internal static void PrefixMask(int bits, Span<byte> mask)
    {
        for (int i = 0; i < mask.Length; i++)
        {
            int left = Math.Clamp(bits - (i * 8), 0, 8);
            mask[i] = (byte)(0xFF00 >> left);
        }
    }

    private static int BeginExpression(NetlinkMessages m, ReadOnlySpan<byte> name)
    {
        int element = m.BeginNest(NfTables.NFTA_LIST_ELEM);
        m.String(NfTables.NFTA_EXPR_NAME, name);
        return element;
    }

    private static void EndExpression(NetlinkMessages m, int element, int data)
    {
        m.EndNest(data);
        m.EndNest(element);
    }

    private static void Meta(NetlinkMessages m, uint key)
    {
        int element = BeginExpression(m, "meta\0"u8);
        int data = m.BeginNest(NfTables.NFTA_EXPR_DATA);
        m.UInt32(NfTables.NFTA_META_KEY, key);
        m.UInt32(NfTables.NFTA_META_DREG, NfTables.NFT_REG_1);
        EndExpression(m, element, data);
    }

    private static void Compare(NetlinkMessages m, ReadOnlySpan<byte> value)
    {
        int element = BeginExpression(m, "cmp\0"u8);
        int data = m.BeginNest(NfTables.NFTA_EXPR_DATA);
        m.UInt32(NfTables.NFTA_CMP_SREG, NfTables.NFT_REG_1);
        m.UInt32(NfTables.NFTA_CMP_OP, NfTables.NFT_CMP_EQ);
        int compared = m.BeginNest(NfTables.NFTA_CMP_DATA);
        m.Bytes(NfTables.NFTA_DATA_VALUE, value);
        m.EndNest(compared);
        EndExpression(m, element, data);
    }

    private static void Payload(NetlinkMessages m, uint header, uint offset, uint length)
    {
        int element = BeginExpression(m, "payload\0"u8);
        int data = m.BeginNest(NfTables.NFTA_EXPR_DATA);
        m.UInt32(NfTables.NFTA_PAYLOAD_DREG, NfTables.NFT_REG_1);
        m.UInt32(NfTables.NFTA_PAYLOAD_BASE, header);
        m.UInt32(NfTables.NFTA_PAYLOAD_OFFSET, offset);
        m.UInt32(NfTables.NFTA_PAYLOAD_LEN, length);
        EndExpression(m, element, data);
    }

    /// <summary>The register ANDed with <paramref name="mask"/> (XOR with zeros: nf_tables' bitwise is both).</summary>
    private static void Bitwise(NetlinkMessages m, ReadOnlySpan<byte> mask)
    {
        int element = BeginExpression(m, "bitwise\0"u8);
        int data = m.BeginNest(NfTables.NFTA_EXPR_DATA);
        m.UInt32(NfTables.NFTA_BITWISE_SREG, NfTables.NFT_REG_1);
        m.UInt32(NfTables.NFTA_BITWISE_DREG, NfTables.NFT_REG_1);
        m.UInt32(NfTables.NFTA_BITWISE_LEN, (uint)mask.Length);
        int masked = m.BeginNest(NfTables.NFTA_BITWISE_MASK);
        m.Bytes(NfTables.NFTA_DATA_VALUE, mask);
        m.EndNest(masked);
        int xor = m.BeginNest(NfTables.NFTA_BITWISE_XOR);
        Span<byte> zeros = stackalloc byte[16];
        zeros.Clear();
        m.Bytes(NfTables.NFTA_DATA_VALUE, zeros[..mask.Length]);
        m.EndNest(xor);
        EndExpression(m, element, data);
    }

    private static void Lookup(NetlinkMessages m, ReadOnlySpan<byte> set)
    {
        int element = BeginExpression(m, "lookup\0"u8);
        int data = m.BeginNest(NfTables.NFTA_EXPR_DATA);
        m.UInt32(NfTables.NFTA_LOOKUP_SREG, NfTables.NFT_REG_1);
        m.String(NfTables.NFTA_LOOKUP_SET, set);
        EndExpression(m, element, data);
    }

    private static void Reject(NetlinkMessages m)
    {
        int element = BeginExpression(m, "reject\0"u8);
        int data = m.BeginNest(NfTables.NFTA_EXPR_DATA);
        m.UInt32(NfTables.NFTA_REJECT_TYPE, NfTables.NFT_REJECT_TCP_RST);
        m.Byte(NfTables.NFTA_REJECT_ICMP_CODE, 0);
        EndExpression(m, element, data);
    }
}
