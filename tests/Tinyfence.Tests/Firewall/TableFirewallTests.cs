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

    private static TableFirewall NewFirewall(out MemorySink sink)
    {
        sink = new MemorySink();
        return new TableFirewall("spam", new FirewallOptions { Ports = [Port] }, new Logger(sink));
    }

    private static IpKey Key(string text) => IpKey.TryParse(System.Text.Encoding.ASCII.GetBytes(text), out IpKey key) ? key : throw new ArgumentException(text);

    private static string Nft(string arguments) => NetworkNamespace.Command("nft", arguments);

    /// <summary>Connects from <paramref name="source"/>; false when the kernel answers with a reset.</summary>
    private static bool Connects(string source, string destination, TcpListener listener)
    {
        var family = IPAddress.Parse(source).AddressFamily;
        using var client = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        client.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        try
        {
            client.Connect(new IPEndPoint(IPAddress.Parse(destination), Port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }

        using Socket accepted = listener.AcceptSocket();
        return true;
    }
}
