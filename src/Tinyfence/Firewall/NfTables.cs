namespace Tinyfence.Firewall;

/// <summary>
/// The netlink and nf_tables numbers the firewall speaks, from the kernel's uapi headers
/// (linux/netlink.h, linux/netfilter/nfnetlink.h, linux/netfilter/nf_tables.h). They are ABI:
/// the same on every architecture and kernel version since each was added.
/// </summary>
internal static class NfTables
{
    // nlmsghdr: length, type, flags, sequence, port id; then nfgenmsg: family, version, resource id.
    public const int HeaderBytes = 16;
    public const int GenHeaderBytes = 4;
    public const int AttributeHeaderBytes = 4;

    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_EXCL = 0x200;
    public const ushort NLM_F_CREATE = 0x400;
    public const ushort NLM_F_APPEND = 0x800;
    public const ushort NLM_F_DUMP = 0x300;

    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;

    public const ushort NLA_F_NESTED = 0x8000;
    public const ushort NLA_TYPE_MASK = 0x3fff;

    public const ushort NFNL_MSG_BATCH_BEGIN = 0x10;
    public const ushort NFNL_MSG_BATCH_END = 0x11;
    public const ushort NFNL_SUBSYS_NFTABLES = 10;

    public const byte NFPROTO_UNSPEC = 0;
    public const byte NFPROTO_INET = 1;
    public const byte NFPROTO_IPV4 = 2;
    public const byte NFPROTO_IPV6 = 10;

    // enum nf_tables_msg_types
    public const ushort NFT_MSG_NEWTABLE = 0;
    public const ushort NFT_MSG_NEWCHAIN = 3;
    public const ushort NFT_MSG_DELCHAIN = 5;
    public const ushort NFT_MSG_NEWRULE = 6;
    public const ushort NFT_MSG_DELRULE = 8;
    public const ushort NFT_MSG_NEWSET = 9;
    public const ushort NFT_MSG_DELSET = 11;
    public const ushort NFT_MSG_NEWSETELEM = 12;
    public const ushort NFT_MSG_GETSETELEM = 13;
    public const ushort NFT_MSG_DELSETELEM = 14;
    public const ushort NFT_MSG_GETGEN = 16;

    public const ushort NFTA_TABLE_NAME = 1;

    public const ushort NFTA_CHAIN_TABLE = 1;
    public const ushort NFTA_CHAIN_NAME = 3;
    public const ushort NFTA_CHAIN_HOOK = 4;
    public const ushort NFTA_CHAIN_POLICY = 5;
    public const ushort NFTA_CHAIN_TYPE = 7;
    public const ushort NFTA_HOOK_HOOKNUM = 1;
    public const ushort NFTA_HOOK_PRIORITY = 2;
    public const uint NF_INET_LOCAL_IN = 1;
    public const uint NF_ACCEPT = 1;

    public const ushort NFTA_SET_TABLE = 1;
    public const ushort NFTA_SET_NAME = 2;
    public const ushort NFTA_SET_FLAGS = 3;
    public const ushort NFTA_SET_KEY_TYPE = 4;
    public const ushort NFTA_SET_KEY_LEN = 5;
    public const ushort NFTA_SET_ID = 10;
    public const ushort NFTA_SET_EXPR = 17;
    public const uint NFT_SET_TIMEOUT = 0x10;

    // nft's own datatype numbers, kept in the set so that `nft list` prints addresses.
    public const uint TYPE_IPADDR = 7;
    public const uint TYPE_IP6ADDR = 8;

    public const ushort NFTA_SET_ELEM_LIST_TABLE = 1;
    public const ushort NFTA_SET_ELEM_LIST_SET = 2;
    public const ushort NFTA_SET_ELEM_LIST_ELEMENTS = 3;
    public const ushort NFTA_LIST_ELEM = 1;
    public const ushort NFTA_SET_ELEM_KEY = 1;
    public const ushort NFTA_SET_ELEM_TIMEOUT = 4;
    public const ushort NFTA_SET_ELEM_EXPIRATION = 5;
    public const ushort NFTA_SET_ELEM_EXPR = 7;
    public const ushort NFTA_SET_ELEM_EXPRESSIONS = 11;
    public const ushort NFTA_DATA_VALUE = 1;

    public const ushort NFTA_RULE_TABLE = 1;
    public const ushort NFTA_RULE_CHAIN = 2;
    public const ushort NFTA_RULE_EXPRESSIONS = 4;
    public const ushort NFTA_EXPR_NAME = 1;
    public const ushort NFTA_EXPR_DATA = 2;

    public const ushort NFTA_META_DREG = 1;
    public const ushort NFTA_META_KEY = 2;
    public const uint NFT_META_NFPROTO = 15;
    public const uint NFT_META_L4PROTO = 16;

    public const ushort NFTA_CMP_SREG = 1;
    public const ushort NFTA_CMP_OP = 2;
    public const ushort NFTA_CMP_DATA = 3;
    public const uint NFT_CMP_EQ = 0;

    public const ushort NFTA_PAYLOAD_DREG = 1;
    public const ushort NFTA_PAYLOAD_BASE = 2;
    public const ushort NFTA_PAYLOAD_OFFSET = 3;
    public const ushort NFTA_PAYLOAD_LEN = 4;
    public const uint NFT_PAYLOAD_NETWORK_HEADER = 1;
    public const uint NFT_PAYLOAD_TRANSPORT_HEADER = 2;

    public const ushort NFTA_BITWISE_SREG = 1;
    public const ushort NFTA_BITWISE_DREG = 2;
    public const ushort NFTA_BITWISE_LEN = 3;
    public const ushort NFTA_BITWISE_MASK = 4;
    public const ushort NFTA_BITWISE_XOR = 5;

    public const ushort NFTA_LOOKUP_SET = 1;
    public const ushort NFTA_LOOKUP_SREG = 2;

    public const ushort NFTA_REJECT_TYPE = 1;
    public const ushort NFTA_REJECT_ICMP_CODE = 2;
    public const uint NFT_REJECT_TCP_RST = 1;

    public const ushort NFTA_COUNTER_PACKETS = 2;

    // The first of the 16-byte registers every kernel since 3.13 has.
    public const uint NFT_REG_1 = 1;

    /// <summary>The nlmsghdr type of an nf_tables message.</summary>
    public static ushort Type(ushort message) => (ushort)((NFNL_SUBSYS_NFTABLES << 8) | message);
}
