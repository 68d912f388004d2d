using System.Text.RegularExpressions;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

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

    [Theory]
    [InlineData("--version")]
    [InlineData("check --version")]
    [InlineData("--help")]
    public void AFailedWriteOfTheVersionOrUsageIsAnErrorMessageAndExit1(string arguments)
    {
        // /dev/full fails every write with ENOSPC: the binary says so rather than crash.
        var result = ProcessResult.Run("/bin/sh", ["-c", $"exec {Repo.PublishedBinary} {arguments} > /dev/full"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("cannot write to standard output: No space left on device", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--version")]
    [InlineData("check --version")]
    [InlineData("--help")]
    public void AReaderThatWentAwayIsNoErrorForTheVersionOrUsage(string arguments)
    {
        // `true` has exited when the binary writes, so the write fails with EPIPE: as for
        // Console, no error, and SIGPIPE does not kill the process.
        var result = ProcessResult.Run("/bin/bash",
            ["-o", "pipefail", "-c", $"{{ sleep 0.5; exec {Repo.PublishedBinary} {arguments}; }} | true"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
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
