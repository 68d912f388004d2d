using Tinyfence.Testing;
using Tinyfence.Config;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Config;

/// <summary>Whatever the bytes, loading a config ends with a config or with errors: never an exception or a hang.</summary>
public class HostileConfigTests
{
    private static readonly string[] s_pieces =
    [
        "rule", "if", "'n'", "\"n\"", "{", "}", "(", ")", "la1", "memfree", "nproc", "\"root\"", "zombie", ",", "|",
        "spacefree", "\"/\"", "pressure", "memory", "full", "tcpconn", "80", ">", "<=", "=", "10", "1.5", "256M", "10%",
        "and", "or", "not", "&&", "||", "!", "run", "once", "'cmd'", "log", "until", "for", "3", "checks", "30s", "step",
        "set", "step", "include", "#", "\n", "'", "\"", "\\", "\0", "\u00e9", "\uFFFF", "$", "\r\n",
    ];

    [Fact]
    public void RandomTokenSoupNeverThrows()
    {
        var random = new Random(20101223);
        for (int round = 0; round < 20_000; round++)
        {
            int count = random.Next(1, 40);
            var text = new System.Text.StringBuilder();
            for (int i = 0; i < count; i++)
            {
                text.Append(s_pieces[random.Next(s_pieces.Length)]).Append(random.Next(3) == 0 ? "" : " ");
            }

            AssertLoadsOrReports(text.ToString());
        }
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(42);
        for (int round = 0; round < 2_000; round++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            AssertLoadsOrReports(System.Text.Encoding.UTF8.GetString(bytes));
        }
    }

    [Fact]
    public void EveryPrefixOfAGoodConfigLoadsOrReports()
    {
        string text = File.ReadAllText(RepoRoot.Fixture("configs", "good", "extensions.conf"));
        for (int length = 0; length <= text.Length; length++)
        {
            AssertLoadsOrReports(text[..length]);
        }
    }

    private static void AssertLoadsOrReports(string text)
    {
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = TestConfig.Load(text);
        Assert.True(config is not null || diagnostics.HasErrors, "no config and no error for: " + text);
        Assert.All(diagnostics.Items, d => Assert.True(d.Location.Line >= 1 && d.Location.Column >= 1));
    }
}
