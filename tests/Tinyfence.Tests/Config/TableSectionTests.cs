using Tinyfence.Config;
using Tinyfence.Tests.Support;
using Xunit;

namespace Tinyfence.Tests.Config;

public class TableSectionTests
{
    [Fact]
    public void ATableWithEverySetting()
    {
        TinyfenceConfig config = TestConfig.LoadValid("""
            set run-dir "/run/tf"
            set state-dir "/var/lib/tf"
            table "spam" {
                capacity 200000
                decay 3 per 1d
                block above 15
                ipv6-prefix 64
                snapshot every 10m
                blocklist every 2s
            }
            table "login" { block above 5 decay off snapshot off blocklist off }
            rule "many" { blocked "spam" > 100 or scored "login" > 5000 } log
            """);
        TableSection spam = config.Tables[0];
        Assert.Equal(("spam", 200000, 3, TimeSpan.FromDays(1), 15, 64), (spam.Name, spam.Capacity, spam.DecayPoints, spam.DecayPeriod, spam.BlockAbove, spam.IPv6PrefixBits));
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(2)), (spam.SnapshotEvery, spam.BlocklistEvery));
        TableSection login = config.Tables[1];
        Assert.Equal((65536, 0, 128, (TimeSpan?)null, (TimeSpan?)null), (login.Capacity, login.DecayPoints, login.IPv6PrefixBits, login.SnapshotEvery, login.BlocklistEvery));
        Assert.Equal(("/run/tf", "/var/lib/tf"), (config.Settings.RunDirectory, config.Settings.StateDirectory));

        // Tables without a server section get the default server.
        ServerSection server = Assert.IsType<ServerSection>(config.Server);
        Assert.Null(server.SocketPath);
        Assert.Equal(Convert.ToInt32("660", 8), server.Mode);
    }

    [Fact]
    public void AFirewallRefusesPortsAndAddsPointsPerRefusedConnection()
    {
        TinyfenceConfig config = TestConfig.LoadValid("""
            table "a" { block above 15 firewall nftables }
            table "b" { block above 15 firewall nftables ports 443 8443 443 blocked-points 0 }
            table "c" { block above 15 firewall off }
            table "d" { block above 15 }
            """);
        FirewallOptions a = config.Tables[0].Firewall!;
        Assert.Equal([(ushort)80, 443], a.Ports);
        Assert.Equal(1, a.BlockedPoints);
        FirewallOptions b = config.Tables[1].Firewall!;
        Assert.Equal([(ushort)443, 8443], b.Ports);
        Assert.Equal(0, b.BlockedPoints);
        Assert.Null(config.Tables[2].Firewall);
        Assert.Null(config.Tables[3].Firewall);

        string text = ConfigFormatter.Format(config);
        Assert.Contains("    firewall nftables ports 443 8443 blocked-points 0\n", text, StringComparison.Ordinal);
        Assert.Equal(text, ConfigFormatter.Format(TestConfig.LoadValid(text)));
        Assert.Equal(config.Tables[1], TestConfig.LoadValid(text).Tables[1] with { Location = config.Tables[1].Location });
    }

    [Fact]
    public void AServerSection()
    {
        TinyfenceConfig config = TestConfig.LoadValid("""
            table "spam" { block above 15 }
            server {
                socket "/run/tinyfence/s.sock"
                mode 0600
                group 33
                allow user "www-data", 1000
                allow group 4
                max-clients 10
                idle-timeout 30s
                max-line 1024
            }
            """);
        ServerSection server = config.Server!;
        Assert.Equal(("/run/tinyfence/s.sock", Convert.ToInt32("600", 8), 33u, 10, TimeSpan.FromSeconds(30), 1024),
            (server.SocketPath, server.Mode, server.Gid, server.MaxClients, server.IdleTimeout, server.MaxLineBytes));
        Assert.Equal([33u, 1000u], server.AllowedUids);
        Assert.Equal([4u], server.AllowedGids);
    }

    [Fact]
    public void NoTablesNoServer()
    {
        TinyfenceConfig config = TestConfig.LoadValid("rule \"x\" { la1 > 1 } log");
        Assert.Empty(config.Tables);
        Assert.Null(config.Server);
    }

    [Theory]
    [InlineData("table \"spam\" { capacity 10 block above 1 }", "1:25: error: expected a number of addresses (16 to 16777216) after 'capacity'")]
    [InlineData("table \"spam\" { decay 3 block above 1 }", "1:24: error: expected 'per' and a period after 'decay 3'")]
    [InlineData("table \"spam\" { decay 3 per 500ms block above 1 }", "1:28: error: a decay period is whole seconds")]
    [InlineData("table \"spam\" { capacity 100 }", "1:7: error: table \"spam\" needs 'block above N'")]
    [InlineData("table \"sp am\" { block above 1 }", "1:7: error: a table name is 1 to 31 letters")]
    [InlineData("table \"spam\" { block above 1 capacity 100 capacity 200 }", "1:43: error: 'capacity' is already set")]
    [InlineData("table \"spam\" { block above 1 size 5 }", "1:30: error: expected a table setting")]
    [InlineData("table \"spam\" { block above 1 ipv6-prefix 129 }", "1:42: error: expected a prefix length (1 to 128)")]
    [InlineData("table \"spam\" { block above 1 snapshot 5m }", "1:39: error: expected 'every' and a period, or 'off', after 'snapshot'")]
    [InlineData("table \"spam\" { block above 1 }\ntable \"spam\" { block above 2 }", "2:7: error: table \"spam\" is already declared")]
    [InlineData("rule \"r\" { blocked \"spam\" > 1 } log", "1:12: error: no table \"spam\" is declared")]
    [InlineData("table \"t\" { block above 1 }\nserver { mode 0999 }", "2:15: error: expected an octal file mode")]
    [InlineData("table \"t\" { block above 1 }\nserver { allow user \"nobody-here\" }", "2:21: error: no user named \"nobody-here\"")]
    [InlineData("table \"t\" { block above 1 }\nserver { socket \"relative.sock\" }", "2:17: error: a socket path is absolute")]
    [InlineData("table \"t\" { block above 1 }\nserver { allow everyone }", "2:16: error: expected 'user' or 'group' after 'allow'")]
    [InlineData("set run-dir relative", "1:13: error: expected a quoted absolute directory after 'set run-dir'")]
    [InlineData("table \"t\" { block above 1 }\nserver { mode 2770 }", "2:15: error: expected an octal file mode from 0000 to 0777")]
    [InlineData("table \"spam\" { block above 1 firewall iptables }", "1:39: error: expected 'nftables' or 'off' after 'firewall'")]
    [InlineData("table \"spam\" { block above 1 firewall nftables ports }", "1:54: error: expected one or more TCP ports after 'ports'")]
    [InlineData("table \"spam\" { block above 1 firewall nftables ports 80 70000 }", "1:57: error: expected a TCP port (1-65535) after 'ports'")]
    [InlineData("table \"spam\" { block above 1 firewall nftables blocked-points -1 }", "1:63: error: expected a number of points per refused connection")]
    [InlineData("table \"spam\" { block above 1 firewall nftables firewall off }", "1:48: error: 'firewall' is already set")]
    [InlineData("set run-dir \"/run/a-very-long-directory-name/that-goes-on/and-on/and-on/until/the/kernel/says/no/more/at/all/really\"\ntable \"t\" { block above 1 }", "1:5: error: the socket path")]
    public void MistakesAreReportedWhereTheyAre(string text, string expected)
    {
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = TestConfig.Load(text);
        Assert.Null(config);
        Assert.Contains(TestConfig.Errors(diagnostics), e => e.StartsWith("test.conf:" + expected, StringComparison.Ordinal));
    }

    [Fact]
    public void CheckPrintsTablesAndServerAsUnderstood()
    {
        TinyfenceConfig config = TestConfig.LoadValid("table \"spam\" { decay 3 per 86400s block above 15 }");
        string text = ConfigFormatter.Format(config);
        Assert.Contains("table \"spam\" {\n    capacity 65536\n    decay 3 per 1d\n    block above 15\n    ipv6-prefix 128\n    snapshot every 5m\n    blocklist every 1s\n}\n", text, StringComparison.Ordinal);
        Assert.Contains("server {\n    socket \"/run/tinyfence/tinyfence.sock\"\n    mode 0660\n", text, StringComparison.Ordinal);

        // What check prints loads again to the same config.
        Assert.Equal(text, ConfigFormatter.Format(TestConfig.LoadValid(text)));
    }
}
