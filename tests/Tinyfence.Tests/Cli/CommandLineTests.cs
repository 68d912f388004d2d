using Tinyfence.Testing;
using Tinyfence.Cli;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Cli;

public class CommandLineTests
{
    [Fact]
    public void RunIsTheDefaultVerbAndFilesMayComeWithoutDashC()
    {
        CommandLine line = CommandLine.Parse(["a.conf", "-c", "b.conf", "--once"], out _)!;
        Assert.Equal("run", line.Verb);
        Assert.Equal(["a.conf", "b.conf"], line.ConfigFiles);
        Assert.True(line.Once);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "-c" }, "-c needs a file name")]
    [InlineData(new[] { "--proc-root" }, "--proc-root needs a directory")]
    [InlineData(new[] { "run", "--proc-root", "/no/such/dir" }, "--proc-root '/no/such/dir': no such directory")]
    [InlineData(new[] { "check", "--builtin", "x.conf" }, "--builtin and config files exclude each other")]
    public void RejectsMistakesWithAReason(string[] args, string error)
    {
        Assert.Null(CommandLine.Parse(args, out string? message));
        Assert.Equal(error, message);
    }

    [Fact]
    public void VersionAndUsageExitZero()
    {
        (int code, string output) = TinyfenceProgram.Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^tinyfence \d+\.\d+\.\d+$", output);
        (code, output) = TinyfenceProgram.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("usage: tinyfence", output, StringComparison.Ordinal);
    }

    [Fact]
    public void UsageErrorExits64()
    {
        (int code, string output) = TinyfenceProgram.Run("--bogus");
        Assert.Equal(64, code);
        Assert.Contains("unknown option '--bogus'", output, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckPrintsTheRulesAsUnderstoodAndReportsEveryError()
    {
        (int code, string output) = TinyfenceProgram.Run("check", "-c", RepoRoot.Fixture("configs", "good", "apache-recovery.conf"));
        Assert.Equal(0, code);
        Assert.Contains("rule \"apache\" { la1 >= 10 or la5 >= 6 } for 2 checks", output, StringComparison.Ordinal);
        Assert.Contains("until { la1 <= 2 } for 3 checks", output, StringComparison.Ordinal);

        (code, output) = TinyfenceProgram.Run("check", RepoRoot.Fixture("configs", "broken", "many-errors.conf"));
        Assert.Equal(78, code);
        Assert.Equal(13, output.Split('\n').Count(l => l.Contains(": error: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void CheckWithoutFilesAsksForThem()
    {
        (int code, string output) = TinyfenceProgram.Run("check");
        Assert.Equal(64, code);
        Assert.Contains("--builtin", output, StringComparison.Ordinal);
    }
}
