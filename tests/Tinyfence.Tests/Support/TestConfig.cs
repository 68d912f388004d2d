using Tinyfence.Config;

namespace Tinyfence.Tests.Support;

/// <summary>Loads config text with a fixed user table, so tests do not depend on the machine's /etc/passwd.</summary>
internal static class TestConfig
{
    public static uint? Users(string name) => name switch
    {
        "root" => 0,
        "www-data" => 33,
        "mysql" => 105,
        _ => null,
    };

    public static (TinyfenceConfig? Config, DiagnosticBag Diagnostics) Load(string text, string file = "test.conf")
    {
        var diagnostics = new DiagnosticBag();
        TinyfenceConfig? config = ConfigLoader.LoadText(file, text, diagnostics, Users);
        return (config, diagnostics);
    }

    public static TinyfenceConfig LoadValid(string text)
    {
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load(text);
        Assert.True(config is not null, "config has errors:\n" + string.Join('\n', diagnostics.Items));
        return config!;
    }

    public static Rule SingleRule(string text) => Assert.Single(LoadValid(text).Rules);

    public static string Condition(string text) => ConditionFormatter.Format(SingleRule(text).Trigger);

    /// <summary>
    /// The text does not load, and its first error is <paramref name="expected"/>: "LINE:COL: message"
    /// (the file name and "error:" left out).
    /// </summary>
    public static void AssertFirstError(string text, string expected)
    {
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = Load(text);
        Assert.Null(config);
        int split = expected.IndexOf(": ", StringComparison.Ordinal);
        Assert.StartsWith($"test.conf:{expected[..split]}: error: {expected[(split + 2)..]}", Errors(diagnostics).First(), StringComparison.Ordinal);
    }

    public static IEnumerable<string> Errors(DiagnosticBag diagnostics) =>
        diagnostics.InReadingOrder().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
}
