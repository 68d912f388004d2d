using System.Text.RegularExpressions;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Apache;

/// <summary>
/// The Apache bench of `make bench` (tests/bench/apache_bench.py) in its shortest form, so it cannot
/// rot between bench runs: every setup starts, passes its own checks (the map, the log, the
/// mod_security drop are really on the request path) and gets a row. Serial: it loads both cores.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class ApacheBenchSmokeTests
{
    private static readonly string[] s_setups =
        ["none", "file-log", "c-prg", "modsec", "modsec-blocklist", "tinyfence-prg", "tinyfence-fast"];

    [Fact]
    public void QuickApacheBenchPrintsOneRowPerSetupWithoutFailures()
    {
        ProcessResult result = ProcessResult.Run("/usr/bin/python3",
            ["tests/bench/apache_bench.py", "--quick", "--duration", "1", "--warmup", "0", "--blocklist", "200"],
            TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string setup in s_setups)
        {
            // A measured row starts with its req/s figures; a Tinyfence row may be pending until its verb exists.
            Assert.Matches(new Regex($@"^\| {Regex.Escape(setup)} +\| ([\d,]+ / |pending)", RegexOptions.Multiline), result.Stdout);
        }
        Assert.DoesNotContain("FAILED", result.Stdout, StringComparison.Ordinal);
    }
}
