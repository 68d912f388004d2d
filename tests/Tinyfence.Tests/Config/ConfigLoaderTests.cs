using Tinyfence.Testing;
using Tinyfence.Config;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Config;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static (TinyfenceConfig? Config, DiagnosticBag Diagnostics) Load(params string[] files)
    {
        var diagnostics = new DiagnosticBag();
        return (ConfigLoader.Load(files, diagnostics, TestConfig.Users), diagnostics);
    }

    [Fact]
    public void IncludePatternsLoadInNameOrderRelativeToTheIncludingFile()
    {
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load(RepoRoot.Fixture("configs", "good", "includes.conf"));
        Assert.NotNull(config);
        Assert.Empty(diagnostics.Items);
        Assert.Equal(["main", "included-load", "included-disk"], config!.Rules.Select(r => r.Name));
        Assert.Equal(TimeSpan.FromSeconds(30), config.Settings.DefaultStep);
        Assert.Equal(3, config.Files.Count);
    }

    [Fact]
    public void SeveralFilesAreOneConfigAndALaterSettingWinsWithAWarning()
    {
        string a = Write("a.conf", "set step 5s\nrule 'a' { la1 > 1 } log");
        string b = Write("b.conf", "set step 20s\nrule 'b' { la1 > 1 } log");
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load(a, b);
        Assert.Equal(TimeSpan.FromSeconds(20), config!.Settings.DefaultStep);
        Assert.Equal($"{b}:1:5: warning: 'step' is set again; this value replaces the one set at {a}:1", Assert.Single(diagnostics.Items).ToString());
    }

    [Fact]
    public void DuplicateRuleNamesAcrossFilesPointAtTheFirst()
    {
        string a = Write("a.conf", "rule 'same' { la1 > 1 } log");
        string b = Write("b.conf", "\n\nrule 'same' { la5 > 1 } log");
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load(a, b);
        Assert.Null(config);
        Assert.StartsWith($"{b}:3:1: error: a rule named \"same\" already exists (first declared at {a}:1)", TestConfig.Errors(diagnostics).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileIsAnErrorNamingIt()
    {
        string missing = Path.Combine(_dir, "nope.conf");
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load(missing);
        Assert.Null(config);
        Assert.Equal($"{missing}:1:1: error: cannot read config file '{missing}': no such file", TestConfig.Errors(diagnostics).Single());
    }

    [Fact]
    public void AMissingIncludeIsReportedAtTheIncludeLine()
    {
        string main = Write("main.conf", "rule 'a' { la1 > 1 } log\ninclude \"other.conf\"");
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load(main);
        Assert.Null(config);
        Assert.StartsWith($"{main}:2:9: error: cannot read config file", TestConfig.Errors(diagnostics).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnIncludeCycleIsAnErrorNotAHang()
    {
        string a = Write("a.conf", "include \"b.conf\"\nrule 'a' { la1 > 1 } log");
        Write("b.conf", "include \"a.conf\"");
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load(a);
        Assert.Null(config);
        Assert.Contains("includes itself (an include cycle)", TestConfig.Errors(diagnostics).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void APatternThatMatchesNothingIsANote()
    {
        string main = Write("main.conf", "include \"conf.d/*.conf\"\nrule 'a' { la1 > 1 } log");
        Directory.CreateDirectory(Path.Combine(_dir, "conf.d"));
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load(main);
        Assert.NotNull(config);
        Assert.Equal(DiagnosticSeverity.Note, Assert.Single(diagnostics.Items).Severity);
    }

    [Fact]
    public void ErrorsInSeveralFilesAreAllReportedInFileOrder()
    {
        string a = Write("a.conf", "rule 'a' { la2 > 1 } log");
        string b = Write("b.conf", "rule 'b' { la1 > } log");
        (_, DiagnosticBag diagnostics) = Load(a, b);
        Assert.Equal([a, b], TestConfig.Errors(diagnostics).Select(e => e.Split(':')[0]));
    }

    [Fact]
    public void SettingsTakeEffect()
    {
        TinyfenceConfig config = TestConfig.LoadValid("set timeout 90s\nset kill-grace 0\nset log syslog local3\nset log-level debug\nrule 'a' { la1 > 1 } log");
        Assert.Equal(TimeSpan.FromSeconds(90), config.Settings.CommandTimeout);
        Assert.Equal(TimeSpan.Zero, config.Settings.KillGrace);
        Assert.Equal(LogTarget.Syslog, config.Settings.LogTarget);
        Assert.Equal(Tinyfence.Logging.SyslogFacility.Local3, config.Settings.SyslogFacility);
        Assert.Equal(Tinyfence.Logging.LogLevel.Debug, config.Settings.LogLevel);
    }

    [Fact]
    public void AnEmptyConfigLoadsWithAWarning()
    {
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = TestConfig.Load("# nothing here\n");
        Assert.Empty(config!.Rules);
        Assert.Contains("no rules", Assert.Single(diagnostics.Items).Message, StringComparison.Ordinal);
    }
}
