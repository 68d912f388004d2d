using Tinyfence.Testing;
using Tinyfence.Config;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Config;

/// <summary>Every config under fixtures/configs: the good ones load, the broken ones report FILE:LINE:COL errors.</summary>
public class FixtureConfigTests
{
    public static TheoryData<string> Good() => [.. Directory.GetFiles(RepoRoot.Fixture("configs", "good"), "*.conf").Select(f => Path.GetFileName(f))];

    public static TheoryData<string> Broken() => [.. Directory.GetFiles(RepoRoot.Fixture("configs", "broken"), "*.conf").Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Good))]
    public void GoodConfigLoadsWithoutErrors(string file)
    {
        var diagnostics = new DiagnosticBag();
        TinyfenceConfig? config = ConfigLoader.Load([RepoRoot.Fixture("configs", "good", file)], diagnostics, TestConfig.Users);
        Assert.True(config is not null, string.Join('\n', diagnostics.Items));
        Assert.NotEmpty(config!.Rules);
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void BrokenConfigReportsErrorsWithLineAndColumn(string file)
    {
        string path = RepoRoot.Fixture("configs", "broken", file);
        var diagnostics = new DiagnosticBag();
        Assert.Null(ConfigLoader.Load([path], diagnostics, TestConfig.Users));
        Assert.All(TestConfig.Errors(diagnostics), e => Assert.Matches(@"^.+\.conf:\d+:\d+: error: .+", e));
    }

    [Fact]
    public void TheSeedConfigMeansWhatTheBlogPostSays()
    {
        TinyfenceConfig config = ConfigLoader.Load([RepoRoot.Fixture("configs", "good", "seed-fixed.conf")], new DiagnosticBag(), TestConfig.Users)!;
        Assert.Equal(
            [
                ("ApacheStop", "la1 >= 10.00 or la5 >= 6.0", false, "/etc/init.d/apache2 stop;"),
                ("ApacheStart", "la1 <= 2", true, "/etc/init.d/apache2 start;"),
                ("warning", "la1 >= 8.00", true, "echo \"Load High: BACKUP\" | mail"),
            ],
            config.Rules.Select(r => (r.Name, ConditionFormatter.Format(r.Trigger), r.Actions[0].Once, r.Actions[0].Command!)));
        Assert.All(config.Rules, r => Assert.Null(r.Step));
        Assert.Equal(TimeSpan.FromSeconds(10), config.Settings.DefaultStep);
    }

    [Fact]
    public void CheckOutputLoadsBackToTheSameRules()
    {
        // What check prints is itself a valid config with the same meaning.
        foreach (string file in Directory.GetFiles(RepoRoot.Fixture("configs", "good"), "*.conf"))
        {
            TinyfenceConfig config = ConfigLoader.Load([file], new DiagnosticBag(), TestConfig.Users)!;
            string printed = ConfigFormatter.Format(config);
            TinyfenceConfig again = TestConfig.LoadValid(printed);
            Assert.Equal(printed, ConfigFormatter.Format(again));
        }
    }
}
