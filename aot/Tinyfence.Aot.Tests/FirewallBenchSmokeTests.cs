using System.Text.RegularExpressions;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>
/// The firewall bench of `make bench` (tests/bench/firewall_bench.py) in its shortest form, so it
/// cannot rot between bench runs: in its own network namespace, both setups start and pass their
/// checks (the kernel refuses the blocked addresses, not the others), get a row, and the flood
/// gets its line.
/// </summary>
public class FirewallBenchSmokeTests
{
    [Fact]
    public void QuickFirewallBenchPrintsBothRowsAndTheFloodWithoutFailures()
    {
        TestPackages.Require("/usr/sbin/apache2", "apache2", "the firewall bench's smoke run");
        TestPackages.Require("/usr/sbin/nft", "nftables", "the firewall bench's smoke run");
        ProcessResult result = ProcessResult.Run("/usr/bin/python3",
            ["tests/bench/firewall_bench.py", "--quick", "--binary", Repo.PublishedBinary, "--duration", "1",
             "--warmup", "0", "--flood", "1", "--addresses", "2000", "--blocklist", "200"],
            TimeSpan.FromMinutes(3), Repo.Root);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string setup in new[] { "file-log", "firewall-feed" })
        {
            Assert.Matches(new Regex($@"^\| {Regex.Escape(setup)} +\| [\d,]+ / ", RegexOptions.Multiline), result.Stdout);
        }
        Assert.Matches(new Regex(@"^flood: one blocked address .* Apache CPU \d+ ms during the flood", RegexOptions.Multiline), result.Stdout);
        Assert.DoesNotContain("FAILED", result.Stdout, StringComparison.Ordinal);
    }
}
