using Tinyfence.Config;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Config;

/// <summary>
/// What <c>tinyfence check</c> prints reads back as the same config: strings are written as the
/// lexer reads them, not as a diagnostic quotes them (cut at 60 characters, controls as 0xNN).
/// Found by the config fuzz target (fixtures/fuzz/config/regression-newline-in-ca-file).
/// </summary>
public sealed class ConfigFormatterTests
{
    private const string Mail = "mail { server \"smtp.example.com\" from \"tinyfence@example.com\" to \"admin@example.com\" ";

    // Each row: why it is here, a config, and the string as the formatted config must hold it.
    public static TheoryData<string, string, string> Configs() => new()
    {
        // A string may span lines: the fuzzer's first finding, formatted as "...0x0A..." before.
        { "a ca-file with a newline", Mail + "ca-file \"/etc/tinyfel { la1 <= 2 }\nnce/ca.pem\" }\nrule \"r\" { la1 > 4 } mail", "\"/etc/tinyfel { la1 <= 2 }\nnce/ca.pem\"" },
        { "a rule name longer than 60 characters", "rule \"" + new string('n', 80) + "\" { la1 > 4 } log", "\"" + new string('n', 80) + "\"" },
        { "a tab in a subject prefix", Mail + "subject-prefix \"[web\t1]\" }\nrule \"r\" { la1 > 4 } mail", "\"[web\t1]\"" },
        { "a command with both kinds of quote", "rule \"r\" { la1 > 4 } run \"echo \\\"it's\\\" done\"", "\"echo \\\"it's\\\" done\"" },
        { "a command with a single quote", "rule \"r\" { la1 > 4 } run \"echo it's\"", "\"echo it's\"" },
        { "a rule name with an escaped quote", "rule 'say \\'hi\\'' { la1 > 4 } log", "\"say \\'hi\\'\"" },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void FormattedConfigLoadsBackToTheSameConfig(string why, string text, string quoted)
    {
        string formatted = ConfigFormatter.Format(TestConfig.LoadValid(text));

        string again = ConfigFormatter.Format(TestConfig.LoadValid(formatted));

        Assert.True(formatted.Contains(quoted, StringComparison.Ordinal), $"{why}: {quoted} is not in\n{formatted}");
        Assert.True(formatted == again, $"{why}: formatted\n{formatted}\nreads back as\n{again}");
    }

    [Fact]
    public void FormattedStringsKeepEveryCharacter()
    {
        TinyfenceConfig config = TestConfig.LoadValid(Mail + "ca-file \"/etc/a\nb.pem\" }\nrule \"" + new string('n', 80) + "\" { la1 > 4 } mail");

        TinyfenceConfig again = TestConfig.LoadValid(ConfigFormatter.Format(config));

        Assert.Equal("/etc/a\nb.pem", again.Mail!.CaFile);
        Assert.Equal(new string('n', 80), Assert.Single(again.Rules).Name);
    }
}
