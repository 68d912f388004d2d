using Tinyfence.Protocol;

namespace Tinyfence.Cli;

/// <summary>
/// <c>tinyfence score [--socket PATH | --run-dir DIR] VERB ARGS...</c>: one request to the
/// daemon, its reply printed. Exit status 0, 1 for an <c>ERR</c> reply (or a request the daemon
/// would answer with one, found before connecting), 69 when the daemon does not answer.
/// </summary>
internal static class ScoreCommand
{
    // QUIET would leave the client waiting for replies that never come.
    private static readonly string[] s_verbs = [.. Enum.GetValues<Verb>().Where(v => v != Verb.Quiet).Select(v => v.ToString().ToLowerInvariant())];

    public static int Run(Arguments options, TextWriter output, TextWriter error)
    {
        byte[]? request = RequestWriter.Words(options.Operands);
        Request parsed = default;
        ParseStatus status = request is null ? ParseStatus.UnknownCommand : RequestParser.TryParse(request.AsSpan(0, request.Length - 1), out parsed);
        if (status == ParseStatus.UnknownCommand || parsed.Verb == Verb.Quiet)
        {
            throw new UsageException($"give a request: {string.Join(", ", s_verbs)} (as in 'tinyfence score get spam 192.0.2.1')");
        }

        if (status != ParseStatus.Ok)
        {
            error.WriteLine($"tinyfence score: {Reply.Parse(ReplyWriter.ErrorText(status)[..^1]).Text}");
            return ExitCodes.Failure;
        }

        bool untilEnd = parsed.Verb is Verb.Top or Verb.Stats or Verb.Status or Verb.Metrics;
        return DaemonReport.Exchange(options, "score", request, untilEnd, output, error);
    }
}
