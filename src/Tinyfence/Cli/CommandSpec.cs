namespace Tinyfence.Cli;

/// <summary>What a verb writes to and reads from: stdout and stderr, the console's or a test's.</summary>
internal delegate int CommandRun(Arguments arguments, TextWriter output, TextWriter error);

/// <summary>
/// One verb of the command line: its options, its operands, the signals it relies on, how it runs,
/// and how it serves Apache when its own options are wrong. <see cref="Commands"/> lists them all,
/// and parsing, the usage text and dispatch are all read from that list.
/// </summary>
/// <param name="Synopsis">The usage line after <c>tinyfence VERB</c>.</param>
/// <param name="Summary">What the verb does, for the usage text (lines of at most 70 characters).</param>
/// <param name="Operands">What its operands are (config files, the words of a request); null: it takes none.</param>
/// <param name="Signals">The signals it takes back from whatever started it (<see cref="Hosting.InheritedSignals"/>).</param>
/// <param name="FailOpen">For the verbs Apache runs: what it does instead of exiting when its options are wrong.</param>
internal sealed record CommandSpec(
    string Name,
    string Synopsis,
    string Summary,
    OptionSpec[] Options,
    string? Operands,
    int[] Signals,
    CommandRun Run,
    FailOpenMode? FailOpen = null)
{
    public OptionSpec? Option(string arg) => Array.Find(Options, o => o.Matches(arg));
}

/// <summary>How an Apache-facing verb serves when it cannot start as configured: Apache must not notice.</summary>
/// <param name="Description">What it does then, as it tells Apache's error log.</param>
internal sealed record FailOpenMode(string Description, Action<Stream, Stream> Serve);
