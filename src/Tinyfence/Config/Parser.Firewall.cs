using System.Globalization;

namespace Tinyfence.Config;

public sealed partial class Parser
{
    // More would be a rule per port and family in the kernel for each: a web server has a few.
    private const int MaxFirewallPorts = 16;

    // firewall nftables [ports 80 443] [blocked-points 1]   |   firewall off
    private FirewallOptions? ParseFirewall()
    {
        if (Current.IsWord("off"))
        {
            Take();
            return null;
        }

        TakeWord("nftables", "'nftables' or 'off' after 'firewall', as in 'firewall nftables ports 80 443'");
        var options = new FirewallOptions();
        while (true)
        {
            if (Current.IsWord("ports"))
            {
                Take();
                options = options with { Ports = ParsePorts() };
            }
            else if (Current.IsWord("blocked-points"))
            {
                Take();
                options = options with { BlockedPoints = TakeInteger("a number of points per refused connection (0 to 1000000) after 'blocked-points'", 0, 1_000_000) };
            }
            else
            {
                return options;
            }
        }
    }

    private List<ushort> ParsePorts()
    {
        var ports = new List<ushort>();
        while (Current.Kind == TokenKind.Number)
        {
            Token port = Take();
            if (!ushort.TryParse(port.Text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort number) || number == 0)
            {
                throw Expected("a TCP port (1-65535) after 'ports'", port);
            }

            if (ports.Count == MaxFirewallPorts)
            {
                throw new SyntaxError(port.Location, $"a firewall refuses at most {MaxFirewallPorts} ports");
            }

            if (!ports.Contains(number))
            {
                ports.Add(number);
            }
        }

        if (ports.Count == 0)
        {
            throw Expected("one or more TCP ports after 'ports', as in 'ports 80 443'", Current);
        }

        return ports;
    }
}
