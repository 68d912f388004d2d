using System.Text.RegularExpressions;

namespace Tinyfence.Aot.Tests.Infrastructure;

/// <summary>The compiler-style error line the CLI contract promises: FILE:LINE:COL: error: message.</summary>
internal static partial class Diagnostics
{
    [GeneratedRegex(@"(?<file>\S+):(?<line>[0-9]+):(?<col>[0-9]+): error: \S")]
    private static partial Regex ErrorLine();

    /// <summary>Lines of <paramref name="text"/> that are errors located in <paramref name="configPath"/>.</summary>
    /// <remarks>
    /// Not anchored at the start of the line: the daemon's logger may put a timestamp or level
    /// before it. The file part must end with the config's name, so a message about some other
    /// file does not count.
    /// </remarks>
    public static IReadOnlyList<string> ErrorsIn(string text, string configPath)
    {
        string name = Path.GetFileName(configPath);
        var lines = new List<string>();
        foreach (string line in text.Split('\n'))
        {
            Match m = ErrorLine().Match(line);
            if (m.Success && m.Groups["file"].Value.EndsWith(name, StringComparison.Ordinal)
                && int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1
                && int.Parse(m.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1)
            {
                lines.Add(line);
            }
        }
        return lines;
    }

    public static string Fired(string rule) => $"rule \"{rule}\" fired";
}
