using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>`tinyfence check` on every fixture config: the good ones pass, the broken ones are located.</summary>
public class CheckTests
{
    public static TheoryData<string> GoodConfigs => Repo.ConfigFiles(Repo.GoodConfigs);

    public static TheoryData<string> BrokenConfigs => Repo.ConfigFiles(Repo.BrokenConfigs);

    [Theory]
    [MemberData(nameof(GoodConfigs))]
    public void CheckAcceptsGoodConfig(string name)
    {
        (string path, var result) = CheckFixture(Repo.GoodConfigs, name);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(Diagnostics.ErrorsIn(result.Stderr, path));
    }

    [Theory]
    [MemberData(nameof(BrokenConfigs))]
    public void CheckRejectsBrokenConfigWithExit78AndLocatedError(string name)
    {
        (string path, var result) = CheckFixture(Repo.BrokenConfigs, name);

        Assert.True(result.ExitCode == 78, result.ToString());
        Assert.True(Diagnostics.ErrorsIn(result.Stderr, path).Count > 0,
            $"no FILE:LINE:COL: error: line naming {name} on stderr\n{result}");
    }

    // `tinyfence check` on one fixture of the directory; fails if the directory had none.
    private static (string Path, ProcessResult Result) CheckFixture(string directory, string name)
    {
        Assert.True(name != Repo.NoConfigs, $"{directory} has no *.conf fixture");
        string path = Path.Combine(directory, name);
        return (path, Repo.RunPublished("check", path));
    }

    [Fact]
    public void CheckTakesConfigThroughDashCAndPrintsItsRules()
    {
        Assert.True(File.Exists(Repo.SeedConfig), $"{Repo.SeedConfig} is missing");

        var result = Repo.RunPublished("check", "-c", Repo.SeedConfig);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ApacheStop", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("ApacheStart", result.Stdout, StringComparison.Ordinal);
    }
}
