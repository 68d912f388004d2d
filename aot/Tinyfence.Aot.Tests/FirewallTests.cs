using System.Net;
using System.Net.Sockets;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>
/// The published daemon keeping a table's blocked addresses in the kernel, in a network
/// namespace of the test's own with a real listener: a client driven above the threshold over
/// the socket is refused while another is served, its refused connections raise its score,
/// SET 0 serves it again, IPv6 prefixes likewise, and a restart puts the snapshot's blocked
/// addresses back in a kernel set that was lost meanwhile.
/// </summary>
public class FirewallTests
{
    private const int Port = 8080;

    [Fact]
    public void TheDaemonRefusesBlockedClientsInTheKernelAndPutsThemBackAfterARestart()
    {
        TestPackages.Require("/usr/sbin/nft", "nftables", "the firewall tests (to read the kernel set back)");
        NetworkNamespace.Run(() =>
        {
            using var dir = new TempDir();
            string run = Path.Combine(dir.Path, "run");
            string config = dir.Write("tinyfence.conf", $$"""
                set run-dir "{{run}}"
                set state-dir "{{dir.Path}}/state"
                table "spam" { capacity 4096 decay 3 per 1d block above 15 ipv6-prefix 64 blocklist off firewall nftables ports {{Port}} }
                """);
            using var listener = new TcpListener(IPAddress.IPv6Any, Port);
            listener.Server.DualMode = true;
            listener.Start();

            using (RunningDaemon daemon = Repo.StartPublished("run", "-c", config))
            {
                daemon.WaitForLine("firewall: 0 addresses in inet tinyfence");
                Assert.True(Connects("127.0.0.2", "127.0.0.1", listener));

                Score(run, "set", "spam", "127.0.0.2", "16");
                WaitFor(() => !Connects("127.0.0.2", "127.0.0.1", listener), "127.0.0.2 refused");
                Assert.True(Connects("127.0.0.3", "127.0.0.1", listener));
                WaitFor(() => int.Parse(Score(run, "get", "spam", "127.0.0.2"), System.Globalization.CultureInfo.InvariantCulture) > 16, "the refused connection's points");

                Score(run, "set", "spam", "127.0.0.2", "0");
                WaitFor(() => Connects("127.0.0.2", "127.0.0.1", listener), "127.0.0.2 served again");

                Score(run, "set", "spam", "fd00:0:0:1::77", "20");
                WaitFor(() => !Connects("fd00:0:0:1::5", "fd00::2", listener), "fd00:0:0:1::/64 refused");
                Assert.True(Connects("fd00:0:0:2::5", "fd00::2", listener));
                Assert.Contains("fd00:0:0:1:: counter", NetworkNamespace.Command("nft", "list set inet tinyfence spam_ipv6"));

                Score(run, "set", "spam", "127.0.0.2", "20");
                WaitFor(() => !Connects("127.0.0.2", "127.0.0.1", listener), "127.0.0.2 refused again");
                daemon.Signal(Posix.SIGTERM);
                Assert.Equal(0, daemon.WaitForExit(Patience.Short));
            }

            // The kernel's set lost (a reboot, a flush); the snapshot brings it back at start.
            NetworkNamespace.Command("nft", "delete table inet tinyfence");
            Assert.True(Connects("127.0.0.2", "127.0.0.1", listener));
            using (RunningDaemon daemon = Repo.StartPublished("run", "-c", config))
            {
                daemon.WaitForLine("firewall: 2 addresses in inet tinyfence");
                Assert.False(Connects("127.0.0.2", "127.0.0.1", listener));
                Assert.False(Connects("fd00:0:0:1::5", "fd00::2", listener));
                Assert.True(Connects("127.0.0.3", "127.0.0.1", listener));
                daemon.Signal(Posix.SIGTERM);
                Assert.Equal(0, daemon.WaitForExit(Patience.Short));
            }
        });
    }

    [Fact]
    public void CheckSaysTheFirewallCannotWorkWithoutCapNetAdmin()
    {
        using var dir = new TempDir();
        string config = dir.Write("tinyfence.conf", "table \"spam\" { block above 15 firewall nftables }\n");
        File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        ProcessResult result = ProcessResult.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", Repo.PublishedBinary, "check", config]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warning: table \"spam\": 'firewall nftables' cannot work on this machine: not permitted: the daemon needs CAP_NET_ADMIN", result.Stderr);
    }

    private static bool Connects(string source, string destination, TcpListener listener) =>
        TcpProbe.Connects(source, destination, Port, listener);

    private static string Score(string runDir, params string[] request)
    {
        ProcessResult result = ProcessResult.Run(Repo.PublishedBinary, ["score", "--run-dir", runDir, .. request]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.TrimEnd('\n');
    }

    private static void WaitFor(Func<bool> condition, string what) => Patience.WaitUntil(condition, what, intervalMs: 100);
}
