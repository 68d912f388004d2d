namespace Tinyfence.Firewall;

/// <summary>
/// The nf_tables messages that make, empty and remove a score table's objects: the shared table,
/// its chain on the input hook, its two sets (timeouts, a counter per element), their elements.
/// "Make" never fails on an object that exists with the same shape, so one batch can make what
/// is missing, empty what is there and fill it anew.
/// </summary>
internal static class KernelObjects
{
    // Filter priority: after the raw and conntrack hooks, as nft's own "priority filter".
    private const uint FilterPriority = 0;

    public static void Table(NetlinkMessages m)
    {
        m.Begin(NfTables.NFT_MSG_NEWTABLE, NfTables.NLM_F_CREATE, NfTables.NFPROTO_INET);
        m.String(NfTables.NFTA_TABLE_NAME, FirewallNames.Table);
        m.End();
    }

    public static void Chain(NetlinkMessages m, FirewallNames names)
    {
        m.Begin(NfTables.NFT_MSG_NEWCHAIN, NfTables.NLM_F_CREATE, NfTables.NFPROTO_INET);
        m.String(NfTables.NFTA_CHAIN_TABLE, FirewallNames.Table);
        m.String(NfTables.NFTA_CHAIN_NAME, names.Chain);
        int hook = m.BeginNest(NfTables.NFTA_CHAIN_HOOK);
        m.UInt32(NfTables.NFTA_HOOK_HOOKNUM, NfTables.NF_INET_LOCAL_IN);
        m.UInt32(NfTables.NFTA_HOOK_PRIORITY, FilterPriority);
        m.EndNest(hook);
        m.UInt32(NfTables.NFTA_CHAIN_POLICY, NfTables.NF_ACCEPT);
        m.String(NfTables.NFTA_CHAIN_TYPE, "filter\0"u8);
        m.End();
    }

    /// <summary>Removes every rule of the chain (a DELRULE naming only the chain).</summary>
    public static void FlushChain(NetlinkMessages m, FirewallNames names)
    {
        m.Begin(NfTables.NFT_MSG_DELRULE, 0, NfTables.NFPROTO_INET);
        m.String(NfTables.NFTA_RULE_TABLE, FirewallNames.Table);
        m.String(NfTables.NFTA_RULE_CHAIN, names.Chain);
        m.End();
    }

    public static void Set(NetlinkMessages m, ReadOnlySpan<byte> set, bool ipv6, uint id)
    {
        m.Begin(NfTables.NFT_MSG_NEWSET, NfTables.NLM_F_CREATE, NfTables.NFPROTO_INET);
        m.String(NfTables.NFTA_SET_TABLE, FirewallNames.Table);
        m.String(NfTables.NFTA_SET_NAME, set);
        m.UInt32(NfTables.NFTA_SET_FLAGS, NfTables.NFT_SET_TIMEOUT);
        m.UInt32(NfTables.NFTA_SET_KEY_TYPE, ipv6 ? NfTables.TYPE_IP6ADDR : NfTables.TYPE_IPADDR);
        m.UInt32(NfTables.NFTA_SET_KEY_LEN, ipv6 ? 16u : 4u);
        m.UInt32(NfTables.NFTA_SET_ID, id);
        int expression = m.BeginNest(NfTables.NFTA_SET_EXPR);
        m.String(NfTables.NFTA_EXPR_NAME, "counter\0"u8);
        m.EndNest(m.BeginNest(NfTables.NFTA_EXPR_DATA));
        m.EndNest(expression);
        m.End();
    }

    /// <summary>Removes every element of the set (a DELSETELEM without elements, Linux 4.10).</summary>
    public static void FlushSet(NetlinkMessages m, ReadOnlySpan<byte> set)
    {
        BeginElements(m, NfTables.NFT_MSG_DELSETELEM, set);
        m.End();
    }

    /// <summary>Removes the score table's chain and sets: the table left the config, or its firewall.</summary>
    public static void Remove(NetlinkMessages m, FirewallNames names)
    {
        FlushChain(m, names);
        m.Begin(NfTables.NFT_MSG_DELCHAIN, 0, NfTables.NFPROTO_INET);
        m.String(NfTables.NFTA_CHAIN_TABLE, FirewallNames.Table);
        m.String(NfTables.NFTA_CHAIN_NAME, names.Chain);
        m.End();
        DeleteSet(m, names.IPv4Set);
        DeleteSet(m, names.IPv6Set);
    }

    /// <summary>Starts a message about elements of the set; without a list of them, it means all of them.</summary>
    public static void BeginElements(NetlinkMessages m, ushort message, ReadOnlySpan<byte> set)
    {
        m.Begin(message, message == NfTables.NFT_MSG_NEWSETELEM ? NfTables.NLM_F_CREATE : (ushort)0, NfTables.NFPROTO_INET);
        m.String(NfTables.NFTA_SET_ELEM_LIST_TABLE, FirewallNames.Table);
        m.String(NfTables.NFTA_SET_ELEM_LIST_SET, set);
    }

    /// <summary>One element: its key and, when adding, its timeout (0 for a removal).</summary>
    public static void Element(NetlinkMessages m, ReadOnlySpan<byte> key, ulong timeoutMs)
    {
        int element = m.BeginNest(NfTables.NFTA_LIST_ELEM);
        int keyNest = m.BeginNest(NfTables.NFTA_SET_ELEM_KEY);
        m.Bytes(NfTables.NFTA_DATA_VALUE, key);
        m.EndNest(keyNest);
        if (timeoutMs > 0)
        {
            m.UInt64(NfTables.NFTA_SET_ELEM_TIMEOUT, timeoutMs);
        }

        m.EndNest(element);
    }

    /// <summary>A request to dump a set's elements, with their counters and expiry.</summary>
    public static void DumpRequest(NetlinkMessages m, ReadOnlySpan<byte> set)
    {
        m.Clear();
        m.Begin(NfTables.NFT_MSG_GETSETELEM, NfTables.NLM_F_DUMP, NfTables.NFPROTO_INET);
        m.String(NfTables.NFTA_SET_ELEM_LIST_TABLE, FirewallNames.Table);
        m.String(NfTables.NFTA_SET_ELEM_LIST_SET, set);
        m.End();
    }

    private static void DeleteSet(NetlinkMessages m, ReadOnlySpan<byte> set)
    {
        m.Begin(NfTables.NFT_MSG_DELSET, 0, NfTables.NFPROTO_INET);
        m.String(NfTables.NFTA_SET_TABLE, FirewallNames.Table);
        m.String(NfTables.NFTA_SET_NAME, set);
        m.End();
    }
}
