using Tinyfence.Testing;
using Tinyfence.Cli;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Cli;

public class CommandLineTests
{
    [Fact]
    public void RunIsTheDefaultVerbAndFilesMayComeWithoutDashC()
    {
        Arguments arguments = Arguments.Parse(Commands.Run, ["a.conf", "-c", "b.conf", "--once"]);
        Assert.Equal(["a.conf", "b.conf"], arguments.Operands);
        Assert.True(arguments.Has("--once"));
        Assert.False(arguments.Has("--syslog"));
    }

    [Fact]
    public void OptionValuesAreKeptInOrderAndTheLastOneWins()
    {
        Arguments arguments = Arguments.Parse(Commands.Find("feed")!, ["--table", "spam", "--status", "404=2", "--status", "500=1", "--table", "ham"]);
        Assert.Equal(["404=2", "500=1"], arguments.GetAll("--status"));
        Assert.Equal("ham", arguments.Table());
    }

    [Theory]
    [InlineData("run", new[] { "--bogus" }, "unknown option '--bogus' (run takes -c, --proc-root, --once, --dry-run, --syslog, --test-clock, --pidfile)")]
    [InlineData("run", new[] { "-c" }, "-c needs a file name")]
    [InlineData("run", new[] { "--proc-root" }, "--proc-root needs a directory")]
    [InlineData("check", new[] { "--once" }, "unknown option '--once' (check takes -c, --builtin)")]
    [InlineData("map", new[] { "--table", "spam", "extra" }, "unexpected argument 'extra'")]
    [InlineData("version", new[] { "--bogus" }, "unknown option '--bogus' (version takes none)")]
    public void ParsingRejectsMistakesWithAReason(string verb, string[] args, string error)
    {
        UsageException refused = Assert.Throws<UsageException>(() => Arguments.Parse(Commands.Find(verb)!, args));
        Assert.Equal(error, refused.Message);
    }

    [Theory]
    [InlineData(new[] { "run", "--proc-root", "/no/such/dir" }, "--proc-root '/no/such/dir': no such directory")]
    [InlineData(new[] { "check", "--builtin", "x.conf" }, "--builtin and config files exclude each other")]
    [InlineData(new[] { "score", "--run-dir", "/nonexistent", "fly", "spam" }, "give a request: ping, get, hit, set, del, check, top, stats, advance")]
    public void VerbsRejectMistakesWithAReasonAndExit64(string[] args, string error)
    {
        (int code, string output) = TinyfenceProgram.Run(args);
        Assert.Equal(64, code);
        Assert.Contains($"tinyfence {args[0]}: {error}", output, StringComparison.Ordinal);
    }

    [Fact]
    public void UsageListsEveryVerbAndEveryOption()
    {
        foreach (CommandSpec command in Commands.All)
        {
            Assert.Contains("\n" + command.Name + "\n", Usage.Text, StringComparison.Ordinal);
            foreach (OptionSpec option in command.Options)
            {
                Assert.Contains("  " + option.Spelling + " ", Usage.Text, StringComparison.Ordinal);
            }
        }
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
