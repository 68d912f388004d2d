using System.Text;

namespace Tinyfence.Tests.Docs;

/// <summary>One block of a document: where it starts (1-based line of its first content line), what it is marked as, its text.</summary>
internal sealed record DocumentBlock(string Document, int Line, string Marker, string Text)
{
    public string Where => $"{Document}:{Line}";
}

/// <summary>
/// Finds the example blocks of the README and the manual pages, by rules a writer can see in the
/// source (the tests state them again where they check them):
/// <list type="bullet">
/// <item>README.md: a fenced block is a config example when its info string is <c>tinyfence</c>.
/// Every fence carries an info string (<c>text</c> for syntax synopses, usage and broken configs
/// shown with their errors; <c>sh</c>, <c>apache</c>, <c>ini</c>), so a new config example cannot
/// slip past the check unmarked.</item>
/// <item>Manual pages: a <c>.nf</c> ... <c>.fi</c> block is a config example when the comment
/// <c>.\" config-example</c> comes between it and the previous block; <c>.\" not-config</c>
/// marks every other block. Request lines inside a block (<c>.ft CR</c>) are not text; the
/// escapes the pages use in examples are decoded, any other one is an error.</item>
/// </list>
/// </summary>
internal static class DocumentedExamples
{
    public const string ReadmeConfigInfo = "tinyfence";
    public const string ManConfigMarker = ".\\\" config-example";
    public const string ManOtherMarker = ".\\\" not-config";

    /// <summary>Every fenced block of a Markdown text; the marker is the fence's info string ("" when none).</summary>
    public static List<DocumentBlock> MarkdownBlocks(string document, string text)
    {
        var blocks = new List<DocumentBlock>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            string info = lines[i][3..].Trim();
            int start = i + 1;
            int end = start;
            while (end < lines.Length && !lines[end].StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            blocks.Add(new DocumentBlock(document, start + 1, info, string.Join('\n', lines[start..end]) + "\n"));
            i = end;
        }

        return blocks;
    }

    /// <summary>
    /// Every <c>.nf</c> block of a roff page, its text decoded; the marker is the marker comment
    /// since the previous block (<see cref="ManConfigMarker"/>, <see cref="ManOtherMarker"/>), or ""
    /// when there is none.
    /// </summary>
    public static List<DocumentBlock> RoffBlocks(string document, string text)
    {
        var blocks = new List<DocumentBlock>();
        string[] lines = text.Split('\n');
        string marker = "";
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd();
            if (line is ManConfigMarker or ManOtherMarker)
            {
                marker = line;
                continue;
            }

            if (line != ".nf")
            {
                continue;
            }

            var body = new StringBuilder();
            int end = i + 1;
            for (; end < lines.Length && lines[end].TrimEnd() != ".fi"; end++)
            {
                // A request or a comment inside the block: not part of the example.
                if (!lines[end].StartsWith('.') && !lines[end].StartsWith('\''))
                {
                    body.Append(DecodeRoff(lines[end], document, end + 1)).Append('\n');
                }
            }

            blocks.Add(new DocumentBlock(document, i + 2, marker, body.ToString()));
            marker = "";
            i = end;
        }

        return blocks;
    }

    /// <summary>The roff escapes a config example needs; any other escape is reported, not guessed.</summary>
    public static string DecodeRoff(string line, string document, int lineNumber)
    {
        var text = new StringBuilder(line.Length);
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] != '\\')
            {
                text.Append(line[i]);
                continue;
            }

            string rest = line[(i + 1)..];
            (string? decoded, int length) = rest switch
            {
                _ when rest.StartsWith("(aq", StringComparison.Ordinal) => ("'", 3),
                _ when rest.StartsWith("(dq", StringComparison.Ordinal) => ("\"", 3),
                _ when rest.StartsWith("(rs", StringComparison.Ordinal) => ("\\", 3),
                _ when rest.StartsWith('-') => ("-", 1),
                _ when rest.StartsWith('e') => ("\\", 1),
                _ when rest.StartsWith('&') => ("", 1),
                _ => (null, 0),
            };
            if (decoded is null)
            {
                throw new InvalidOperationException($"{document}:{lineNumber}: a roff escape the examples test cannot decode: \\{rest}");
            }

            text.Append(decoded);
            i += length;
        }

        return text.ToString();
    }
}
