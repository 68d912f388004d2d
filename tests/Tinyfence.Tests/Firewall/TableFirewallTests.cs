using System.Net;
using System.Net.Sockets;
using Tinyfence.Config;
using Tinyfence.Firewall;
using Tinyfence.Logging;
using Tinyfence.Table;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Firewall;

/// <summary>
/// The firewall against the real kernel, in a network namespace of the test's own: the sets and
/// rule it installs, connections refused and served by a real listener, counters read back
/// into scores, elements re-timed and removed, and what it allocates in a steady second.
/// </summary>
public class TableFirewallTests
{
    private const ushort Port = 8080;

    private static readonly TableSpec s_spec = new("spam", 1024, 3, 86_400, 15, 64);

    [Fact]
    public void ReplaceInstallsSetsWithTimeoutsAndCountersAndTheRefusingRules()
    {
        NetworkNamespace.Run(() =>
        {
            using ScoreTable table = ScoreTable.CreatePrivate(s_spec);
            using TableFirewall firewall = NewFirewall(out MemorySink log);
            table.Set(Key("192.0.2.1"), 20, table.Now);
            table.Set(Key("2001:db8:1:2::7"), 20, table.Now);
            firewall.Update(table, Environment.TickCount64);

            string listed = Nft("list table inet tinyfence");
            Assert.Contains("set spam_ipv4", listed);
            Assert.Contains("flags timeout", listed);
            Assert.Contains("counter", listed);
            Assert.Contains("192.0.2.1 counter packets 0", listed);
            Assert.Contains("2001:db8:1:2:: counter packets 0", listed);
            Assert.Contains("type filter hook input priority filter; policy accept;", listed);
            Assert.Contains("tcp dport 8080 tcp flags syn / fin,syn,rst,ack ip saddr @spam_ipv4 reject with tcp reset", listed);
            Assert.Contains("tcp dport 8080 tcp flags syn / fin,syn,rst,ack ip6 saddr & ffff:ffff:ffff:ffff:: == @spam_ipv6 reject with tcp reset", listed);
            Assert.DoesNotContain(log.Lines, l => l.Level <= LogLevel.Warning);
        });
    }

    [Fact]
    public void BlockedAddressIsRefusedItsRefusalsRaiseItsScoreAndSetToZeroServesItAgain()
    {
        NetworkNamespace.Run(() =>
        {
            using ScoreTable table = ScoreTable.CreatePrivate(s_spec);
            using TableFirewall firewall = NewFirewall(out _);
            using var listener = new TcpListener(IPAddress.Any, Port);
            listener.Start();
            firewall.Update(table, Environment.TickCount64);
            Assert.True(Connects("127.0.0.2", "127.0.0.1", listener));

            table.Set(Key("127.0.0.2"), 16, table.Now);
            firewall.Update(table, Environment.TickCount64);
            Assert.False(Connects("127.0.0.2", "127.0.0.1", listener));
            Assert.False(Connects("127.0.0.2", "127.0.0.1", listener));
            Assert.True(Connects("127.0.0.3", "127.0.0.1", listener));

            firewall.Update(table, Environment.TickCount64);
            Assert.Equal(18, table.Get(Key("127.0.0.2"), table.Now));
            Assert.Contains("127.0.0.2 counter packets 0", Nft("list set inet tinyfence spam_ipv4"));

            table.Set(Key("127.0.0.2"), 0, table.Now);
            firewall.Update(table, Environment.TickCount64);
            Assert.True(Connects("127.0.0.2", "127.0.0.1", listener));
            Assert.DoesNotContain("127.0.0.2", Nft("list set inet tinyfence spam_ipv4"));
        });
    }

    [Fact]
    public void AReplaceCountsTheRefusedConnectionsOfTheSetItReplaces()
    {
        NetworkNamespace.Run(() =>
        {
            using ScoreTable table = ScoreTable.CreatePrivate(s_spec);
            using TableFirewall firewall = NewFirewall(out _);
            using var listener = new TcpListener(IPAddress.Any, Port);
            listener.Start();
            table.Set(Key("127.0.0.2"), 16, table.Now);
            firewall.Update(table, Environment.TickCount64);
            Assert.False(Connects("127.0.0.2", "127.0.0.1", listener));

            firewall.ReplaceNext();
            firewall.Update(table, Environment.TickCount64);
            Assert.Equal(17, table.Get(Key("127.0.0.2"), table.Now));
            Assert.Contains("127.0.0.2 counter packets 0", Nft("list set inet tinyfence spam_ipv4"));
        });
    }

    [Fact]
    public void AnIPv6PrefixIsRefusedAsAWholeWhileTheNextPrefixIsServed()
    {
        NetworkNamespace.Run(() =>
        {
            using ScoreTable table = ScoreTable.CreatePrivate(s_spec);
            using TableFirewall firewall = NewFirewall(out _);
            using var listener = new TcpListener(IPAddress.IPv6Any, Port);
            listener.Start();
            table.Set(Key("fd00:0:0:1::77"), 16, table.Now);
            firewall.Update(table, Environment.TickCount64);

            Assert.Contains("fd00:0:0:1:: counter", Nft("list set inet tinyfence spam_ipv6"));
            Assert.False(Connects("fd00:0:0:1::5", "fd00::2", listener));
            Assert.True(Connects("fd00:0:0:2::5", "fd00::2", listener));

            firewall.Update(table, Environment.TickCount64);
            Assert.Equal(17, table.Get(Key("fd00:0:0:1::5"), table.Now));

            table.Delete(Key("fd00:0:0:1::1"));
            firewall.Update(table, Environment.TickCount64);
            Assert.True(Connects("fd00:0:0:1::5", "fd00::2", listener));
        });
    }

    [Fact]
    public void AnElementExpiresWhenItsScoreDecaysToTheThresholdAndIsRetimedWhenHitsRaiseIt()
    {
        NetworkNamespace.Run(() =>
        {
            // 3 points an hour, blocked above 15: 20 is blocked for two hours, 23 for three.
            using ScoreTable table = ScoreTable.CreatePrivate(s_spec with { DecayPeriodSeconds = 3600 });
            using TableFirewall firewall = NewFirewall(out _);
            table.Set(Key("192.0.2.1"), 20, table.Now);
            firewall.Update(table, Environment.TickCount64);
            Assert.Matches(@"192\.0\.2\.1 counter packets 0 bytes 0 timeout 1h59m5\ds", Nft("list set inet tinyfence spam_ipv4"));

            table.Hit(Key("192.0.2.1"), 3, table.Now);
            firewall.Update(table, Environment.TickCount64);
            Assert.Matches(@"192\.0\.2\.1 counter packets 0 bytes 0 timeout 2h59m5\ds", Nft("list set inet tinyfence spam_ipv4"));

            // Never decaying: the kernel holds it a day at most, so nothing outlives the daemon by more.
            table.Set(Key("192.0.2.1"), 20, table.Now);
            using ScoreTable forever = ScoreTable.CreatePrivate(s_spec with { DecayPoints = 0 });
            forever.Set(Key("192.0.2.2"), 20, forever.Now);
            using TableFirewall other = new("forever", new FirewallOptions { Ports = [Port] }, new Logger(new MemorySink()));
            other.Update(forever, Environment.TickCount64);
            Assert.Matches(@"192\.0\.2\.2 counter packets 0 bytes 0 timeout 23h59m5\ds", Nft("list set inet tinyfence forever_ipv4"));
        });
    }

    [Fact]
    public void ASetChangedBySomeoneElseIsReplacedFromTheTableAndSaidOnce()
    {
        NetworkNamespace.Run(() =>
        {
            using ScoreTable table = ScoreTable.CreatePrivate(s_spec);
            using TableFirewall firewall = NewFirewall(out MemorySink log);
            table.Set(Key("192.0.2.1"), 20, table.Now);
            firewall.Update(table, Environment.TickCount64);

            Nft("delete table inet tinyfence");
            table.Set(Key("192.0.2.1"), 0, table.Now);
            table.Set(Key("192.0.2.2"), 20, table.Now);
            firewall.Update(table, Environment.TickCount64);
            firewall.Update(table, Environment.TickCount64);

            string listed = Nft("list set inet tinyfence spam_ipv4");
            Assert.Contains("192.0.2.2 counter", listed);
            Assert.DoesNotContain("192.0.2.1", listed);
            (LogLevel level, string text) = Assert.Single(log.Lines, l => l.Level <= LogLevel.Warning);
            Assert.Equal(LogLevel.Warning, level);
            Assert.Contains("changed by someone else", text);
        });
    }

    [Fact]
    public void ASteadySecondWithBlockedAddressesAllocatesNothing()
    {
        NetworkNamespace.Run(() =>
        {
            using ScoreTable table = ScoreTable.CreatePrivate(s_spec);
            using TableFirewall firewall = NewFirewall(out _);
            for (int i = 1; i <= 200; i++)
            {
                table.Set(IpKey.FromIPv4(0xC000_0200u + (uint)i), 20, table.Now);
                table.Set(new IpKey(0x2001_0db8_0000_0000UL + (ulong)i, 0), 20, table.Now);
            }

            firewall.Update(table, Environment.TickCount64);
            Assert.Equal(400, firewall.Installed);

            // Each round dumps both sets' counters and compares the table with them.
            long allocated = Allocations.OfRounds(() => firewall.Update(table, Environment.TickCount64), warmUp: 20, rounds: 200);
            Assert.Equal(0, allocated);
        });
    }

    private static TableFirewall NewFirewall(out MemorySink sink)
    {
        sink = new MemorySink();
        return new TableFirewall("spam", new FirewallOptions { Ports = [Port] }, new Logger(sink));
    }

    private static IpKey Key(string text) => IpKey.TryParse(System.Text.Encoding.ASCII.GetBytes(text), out IpKey key) ? key : throw new ArgumentException(text);

    private static string Nft(string arguments) => NetworkNamespace.Command("nft", arguments);

    private static bool Connects(string source, string destination, TcpListener listener) =>
        TcpProbe.Connects(source, destination, Port, listener);
}
