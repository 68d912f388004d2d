using System.Text.RegularExpressions;
using Tinyfence.Cli;
using Tinyfence.Config;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Docs;

/// <summary>
/// What the documents show is what the program does: every example config (fixtures/examples,
/// the README, both manual pages) passes <c>tinyfence check</c>, the pages render without a
/// warning, and they name every option, resource and keyword there is.
/// <para>
/// Which blocks are configs, by rules visible in the documents themselves
/// (<see cref="DocumentedExamples"/>):
/// README.md: fenced blocks whose info string is <c>tinyfence</c>; every fence must carry an info
/// string (<c>text</c> for synopses, usage and broken configs shown with their errors).
/// Manual pages: <c>.nf</c> blocks preceded by the comment <c>.\" config-example</c>; every other
/// <c>.nf</c> block is preceded by <c>.\" not-config</c>.
/// </para>
/// <para>
/// How each is checked: written alone to a fresh directory that also holds an empty
/// <c>conf.d/</c> (an example may <c>include "conf.d/*.conf"</c> as an installed config does),
/// and passed to <c>tinyfence check</c>. An example without a mail section of its own is checked
/// together with <see cref="MailPrelude"/>, so its <c>mail</c> actions have a section to use, as
/// the README's "Mail alerts" asks of a real config. Check must exit 0; warnings (an unreadable
/// password file, a config of settings only) are allowed.
/// </para>
/// </summary>
public class DocumentedExamplesTests
{
    private const string Groff = "/usr/bin/groff";

    private const string MailPrelude = """
        # Added by DocumentedExamplesTests to examples that use a mail action without a mail section.
        mail {
            server "smtp.example.com"
            from "tinyfence@example.com"
            to "admin@example.com"
        }

        """;

    private static readonly string[] s_manPages = ["src/man/tinyfence.8", "src/man/tinyfence.conf.5"];

    private static readonly Regex s_mailSection = new(@"^\s*mail\s*\{", RegexOptions.Multiline | RegexOptions.IgnoreCase);

    private static readonly Lazy<Dictionary<string, DocumentBlock>> s_configExamples = new(FindConfigExamples);

    public static TheoryData<string> ExampleFiles() =>
        [.. Directory.GetFiles(RepoRoot.Fixture("examples"), "*.conf").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> DocumentedConfigs() => [.. s_configExamples.Value.Keys];

    public static TheoryData<string> ManPages() => [.. s_manPages];

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void ExampleConfigPassesCheck(string file)
    {
        (int exitCode, string output) = TinyfenceProgram.Run("check", "-c", RepoRoot.Fixture("examples", file));
        Assert.True(exitCode == ExitCodes.Ok, $"tinyfence check fixtures/examples/{file}: exit {exitCode}\n{output}");
    }

    [Fact]
    public void EveryExampleConfigIsListedInTheExamplesReadme()
    {
        string readme = File.ReadAllText(RepoRoot.Fixture("examples", "README.md"));
        Assert.All(Directory.GetFiles(RepoRoot.Fixture("examples"), "*.conf"), f => Assert.Contains($"`{Path.GetFileName(f)}`", readme, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(DocumentedConfigs))]
    public void DocumentedConfigExamplePassesCheck(string where)
    {
        DocumentBlock example = s_configExamples.Value[where];
        DirectoryInfo directory = Directory.CreateTempSubdirectory("tinyfence-doc-");
        try
        {
            directory.CreateSubdirectory("conf.d");
            // Named after its place, so check's FILE:LINE:COL messages say which example failed.
            string file = Path.Combine(directory.FullName, where.Replace('/', '_').Replace(':', '_') + ".conf");
            File.WriteAllText(file, example.Text);
            var args = new List<string> { "check" };
            if (!s_mailSection.IsMatch(example.Text))
            {
                string prelude = Path.Combine(directory.FullName, "mail-prelude.conf");
                File.WriteAllText(prelude, MailPrelude);
                args.AddRange(["-c", prelude]);
            }

            args.AddRange(["-c", file]);
            (int exitCode, string output) = TinyfenceProgram.Run([.. args]);
            Assert.True(exitCode == ExitCodes.Ok, $"the config example at {where} does not pass check (exit {exitCode}):\n{example.Text}\n{output}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void EveryReadmeCodeBlockSaysWhatItHolds()
    {
        // An untagged fence could be a config nobody checks: each one says what it is.
        List<DocumentBlock> untagged = DocumentedExamples.MarkdownBlocks("README.md", ReadDocument("README.md")).FindAll(b => b.Marker.Length == 0);
        Assert.True(untagged.Count == 0, "fenced blocks without an info string ('tinyfence' for a config, 'text' for anything else): "
            + string.Join(", ", untagged.Select(b => b.Where)));
    }

    [Theory]
    [MemberData(nameof(ManPages))]
    public void EveryManPageBlockIsMarkedConfigOrNot(string page)
    {
        List<DocumentBlock> unmarked = DocumentedExamples.RoffBlocks(page, ReadDocument(page)).FindAll(b => b.Marker.Length == 0);
        Assert.True(unmarked.Count == 0, $".nf blocks without '{DocumentedExamples.ManConfigMarker}' or '{DocumentedExamples.ManOtherMarker}' before them: "
            + string.Join(", ", unmarked.Select(b => b.Where)));
    }

    [Fact]
    public void EachDocumentShowsCheckedConfigExamples()
    {
        // A broken marker rule would silently find nothing: each document is known to hold examples.
        string[] documents = ["README.md", .. s_manPages];
        foreach (string document in documents)
        {
            Assert.Contains(s_configExamples.Value.Values, b => b.Document == document);
        }
    }

    [Theory]
    [InlineData("rule \"apache\" { la1 >= 10 }\n    run once \\(aq/etc/init.d/apache2 stop\\(aq", "rule \"apache\" { la1 >= 10 }\n    run once '/etc/init.d/apache2 stop'\n")]
    [InlineData("set kill\\-grace 5s\n\\&.hidden \\e \\(dq", "set kill-grace 5s\n.hidden \\ \"\n")]
    public void RoffExamplesAreDecodedToTheTextTheReaderSees(string roff, string expected)
    {
        DocumentBlock block = Assert.Single(DocumentedExamples.RoffBlocks("x.5", $"{DocumentedExamples.ManConfigMarker}\n.nf\n.ft CR\n{roff}\n.ft\n.fi\n"));
        Assert.Equal(expected, block.Text);
        Assert.Equal(DocumentedExamples.ManConfigMarker, block.Marker);
    }

    [Fact]
    public void AnUnknownRoffEscapeInAnExampleIsAnErrorNotAGuess()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DocumentedExamples.RoffBlocks("x.5", ".nf\nrun \\fBstop\\fP\n.fi\n"));
        Assert.StartsWith("x.5:2: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ManPages))]
    public void ManPageRendersWithoutWarnings(string page)
    {
        TestPackages.Require(Groff, "groff-base", "the manual page tests");
        // The default device (PostScript, as 'groff -z' checks) and the terminal's, which man -l uses.
        foreach (string[] device in (string[][])[[], ["-Tutf8"]])
        {
            string[] args = ["-ww", "-z", "-man", .. device, page];
            ProcessResult result = ProcessResult.Run(Groff, args);
            Assert.True(result.ExitCode == 0 && result.Stdout.Length == 0 && result.Stderr.Length == 0,
                $"groff {string.Join(' ', args)}: exit {result.ExitCode}\n{result.Stdout}{result.Stderr}");
        }
    }

    [Fact]
    public void TheCommandPageNamesEveryVerbAndOption()
    {
        string page = ReadDocument("src/man/tinyfence.8");
        foreach (CommandSpec command in Commands.All)
        {
            // An entry of COMMANDS: ".TP" then the verb in bold (help and version also as options).
            string name = RoffWord(command.Name);
            Assert.True(page.Contains($".TP\n.B {name}\n", StringComparison.Ordinal)
                || page.Contains($".TP\n.BR \\-\\-{name} \", \" {name}\n", StringComparison.Ordinal),
                $"tinyfence.8 has no entry for the verb {command.Name}");
            foreach (OptionSpec option in command.Options)
            {
                Assert.True(page.Contains(RoffWord(option.Name), StringComparison.Ordinal), $"tinyfence.8 does not name {command.Name}'s option {option.Name}");
            }
        }
    }

    [Fact]
    public void TheConfigPageNamesEveryResourceStateAndKeyword()
    {
        // Font changes (\fB, \fP...) glue to the word they surround: drop them before matching.
        string page = Regex.Replace(ReadDocument("src/man/tinyfence.conf.5"), @"\\f[BIRP]", "");
        string[] words =
        [
            .. MetricSyntax.Words, .. MetricSyntax.StateWords,
            .. Keywords.Rule, .. Keywords.Run, .. Keywords.Once, .. Keywords.And, .. Keywords.Or, .. Keywords.Step,
            Keywords.Log, Keywords.Not, Keywords.Until, Keywords.For, Keywords.Set, Keywords.Include,
            Keywords.Mail, Keywords.Table, Keywords.Server,
            "step", "timeout", "command-timeout", "kill-grace", "log-level", "run-dir", "state-dir",
        ];
        foreach (string word in words)
        {
            Assert.True(Regex.IsMatch(page, $@"(?<![\w-]){Regex.Escape(RoffWord(word))}(?![\w-])"), $"tinyfence.conf.5 does not name '{word}'");
        }
    }

    private static string RoffWord(string word) => word.Replace("-", "\\-", StringComparison.Ordinal);

    private static string ReadDocument(string relativePath) => File.ReadAllText(Path.Combine(RepoRoot.Path, relativePath));

    private static Dictionary<string, DocumentBlock> FindConfigExamples()
    {
        var examples = new Dictionary<string, DocumentBlock>(StringComparer.Ordinal);
        foreach (DocumentBlock block in DocumentedExamples.MarkdownBlocks("README.md", ReadDocument("README.md")))
        {
            if (block.Marker == DocumentedExamples.ReadmeConfigInfo)
            {
                examples.Add(block.Where, block);
            }
        }

        foreach (string page in s_manPages)
        {
            foreach (DocumentBlock block in DocumentedExamples.RoffBlocks(page, ReadDocument(page)))
            {
                if (block.Marker == DocumentedExamples.ManConfigMarker)
                {
                    examples.Add(block.Where, block);
                }
            }
        }

        return examples;
    }
}
