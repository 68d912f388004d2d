using System.Text.RegularExpressions;
using Tinyfence.Aot.Tests.Infrastructure;

namespace Tinyfence.Aot.Tests;

public class CommandLineTests
{
    [Fact]
    public void VersionPrintsNameAndVersionAndExitsZero()
    {
        var result = Repo.RunPublished("--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(new Regex(@"^tinyfence [0-9]+\.[0-9]+\.[0-9]+\S*\n?$"), result.Stdout);
    }

    [Fact]
    public void HelpPrintsUsageAndExitsZero()
    {
        var result = Repo.RunPublished("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("usage", (result.Stdout + result.Stderr).ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownOptionIsAUsageErrorWithExit64()
    {
        var result = Repo.RunPublished("check", "--no-such-option");

        Assert.True(result.ExitCode == 64, result.ToString());
    }
}
