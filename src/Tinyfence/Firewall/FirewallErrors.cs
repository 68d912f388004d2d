using System.Runtime.InteropServices;
using Tinyfence.Interop;

namespace Tinyfence.Firewall;

/// <summary>What an errno from the netfilter netlink means for the firewall, and what to do.</summary>
internal static class FirewallErrors
{
    private const int EBUSY = 16;
    private const int EMSGSIZE = 90;
    private const int EPROTONOSUPPORT = 93;
    private const int EAFNOSUPPORT = 97;
    private const int ENOBUFS = 105;

    /// <summary>
    /// The kernel's objects are not as the daemon left them: someone removed the table, a set or
    /// an element (<c>nft flush ruleset</c>, a firewall manager) or added one. A replace fixes it.
    /// </summary>
    public static bool IsChangedElsewhere(int errno) => errno is Errno.ENOENT or Errno.EEXIST or EBUSY;

    public static string Describe(int errno) => errno switch
    {
        Errno.EPERM or Errno.EACCES =>
            "not permitted: the daemon needs CAP_NET_ADMIN (run it as root, or give the service AmbientCapabilities=CAP_NET_ADMIN), and cannot change the firewall from inside an unprivileged container",
        EPROTONOSUPPORT or EAFNOSUPPORT =>
            "this kernel has no netfilter netlink (CONFIG_NETFILTER_NETLINK): load the nfnetlink module, or drop 'firewall nftables' from the table",
        Errno.EOPNOTSUPP =>
            "this kernel has no nf_tables: load the nf_tables module (modprobe nf_tables; Linux 4.10 or later), or drop 'firewall nftables' from the table",
        Errno.EINVAL =>
            "the kernel refused the chain, sets or rules: it is too old or lacks a module (nf_tables, nft_reject_inet, nft_set_hash; Linux 4.10 or later), or drop 'firewall nftables' from the table",
        Errno.ENOENT or Errno.EEXIST or EBUSY =>
            "the table inet tinyfence was changed by someone else (nft, a firewall manager): it is replaced from the score table; leave its chains and sets to the daemon",
        Errno.ENOMEM or ENOBUFS or EMSGSIZE =>
            "the kernel has no room for the set (memory, or net.core.wmem_max for the batch): lower the table's capacity or free memory",
        Errno.EAGAIN or Errno.EIO =>
            "the kernel did not answer the batch: it is tried again",
        _ => Marshal.GetPInvokeErrorMessage(errno),
    };
}
