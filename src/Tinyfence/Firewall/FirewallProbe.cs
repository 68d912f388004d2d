namespace Tinyfence.Firewall;

/// <summary>
/// Whether <c>firewall nftables</c> can work on this machine, for <c>tinyfence check</c> and the
/// daemon's log: the kernel's version against what each part needs, and a harmless request
/// (nf_tables' generation) that needs what a change needs: the netfilter netlink, nf_tables, and
/// CAP_NET_ADMIN.
/// </summary>
internal static class FirewallProbe
{
    /// <summary>Flushing a set inside a batch (a DELSETELEM without elements), the newest part of the replace.</summary>
    public static readonly Version Needed = new(4, 10);

    /// <summary>Per-element counters (a set's stateful expression, <c>NFTA_SET_EXPR</c>): <c>blocked-points</c>.</summary>
    public static readonly Version NeededForCounters = new(5, 7);

    private readonly struct Ignore : IDumpReader
    {
        public void Read(byte family, ReadOnlySpan<byte> attributes)
        {
        }
    }

    /// <summary>Why the firewall cannot work here, or null when it can.</summary>
    public static string? Problem(Version kernel)
    {
        if (kernel < Needed)
        {
            return $"Linux {kernel.ToString(2)} is older than {Needed.ToString(2)}, the first that can replace a set in one batch";
        }

        int error = NetlinkSocket.TryOpen(out NetlinkSocket? socket);
        if (error != 0)
        {
            return FirewallErrors.Describe(error);
        }

        using (socket)
        {
            var request = new NetlinkMessages(64);
            request.Clear();
            request.Begin(NfTables.NFT_MSG_GETGEN, NfTables.NLM_F_ACK, NfTables.NFPROTO_UNSPEC);
            request.End();
            var ignore = new Ignore();
            error = socket!.Dump(request, ref ignore);
            return error == 0 ? null : FirewallErrors.Describe(error);
        }
    }

    /// <summary>What this kernel cannot do of what the options ask, or null.</summary>
    public static string? Limitation(Version kernel, int blockedPoints) =>
        blockedPoints > 0 && kernel < NeededForCounters
            ? $"Linux {kernel.ToString(2)} keeps no per-element counters (Linux {NeededForCounters.ToString(2)}): refused connections add no points ('blocked-points' has no effect)"
            : null;

    /// <summary>The running kernel's version (uname's release).</summary>
    public static Version Kernel => Environment.OSVersion.Version;
}
