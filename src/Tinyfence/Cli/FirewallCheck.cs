using Tinyfence.Config;
using Tinyfence.Firewall;

namespace Tinyfence.Cli;

/// <summary>
/// What <c>check</c> says of tables with <c>firewall nftables</c> on this machine: a warning when
/// it cannot work here (the config stays valid: it may be meant for another machine).
/// </summary>
internal static class FirewallCheck
{
    public static void Report(TinyfenceConfig config, string source, TextWriter errors)
    {
        string? problem = null;
        bool probed = false;
        foreach (TableSection table in config.Tables)
        {
            if (table.Firewall is not { } firewall)
            {
                continue;
            }

            if (!probed)
            {
                problem = FirewallProbe.Problem(FirewallProbe.Kernel);
                probed = true;
            }

            string? limitation = problem ?? FirewallProbe.Limitation(FirewallProbe.Kernel, firewall.BlockedPoints);
            if (limitation is not null)
            {
                errors.WriteLine($"{source}: warning: table \"{table.Name}\": 'firewall nftables' {(problem is null ? "is limited" : "cannot work")} on this machine: {limitation}");
            }
        }
    }
}
