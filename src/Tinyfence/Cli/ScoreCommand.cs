using System.Net.Sockets;

namespace Tinyfence.Cli;

/// <summary>
/// <c>tinyfence score [--socket PATH | --run-dir DIR] VERB ARGS...</c>: one request to the
/// daemon, its reply printed. Exit status 0, 1 for an <c>ERR</c> reply, 69 when the daemon does
/// not answer.
/// </summary>
public static class ScoreCommand
{
    public static readonly string[] Options = ["--socket", "--run-dir", "--timeout"];

    private static readonly string[] s_verbs = ["get", "hit", "set", "del", "check", "top", "stats", "ping", "advance"];

    public static int Run(VerbOptions options, TextWriter output, TextWriter error)
    {
        if (options.Operands.Count == 0 || !s_verbs.Contains(options.Operands[0].ToLowerInvariant()))
        {
            throw new Adapters.AdapterOptionException($"give a request: {string.Join(", ", s_verbs)} (as in 'tinyfence score get spam 192.0.2.1')");
        }

        string request = string.Join(' ', options.Operands);
        bool multiLine = options.Operands[0].ToLowerInvariant() is "top" or "stats";
        var timeout = TimeSpan.FromSeconds(options.Number("--timeout", 5, 1, 3600));
        try
        {
            using var connection = Adapters.ScoreConnection.Open(options.SocketPath, timeout);
            connection.Send(request);
            while (connection.ReadLine() is { } line)
            {
                if (line.StartsWith("ERR", StringComparison.Ordinal))
                {
                    error.WriteLine($"tinyfence score: {line}");
                    return ExitCodes.Failure;
                }

                if (multiLine && line == "END")
                {
                    return ExitCodes.Ok;
                }

                output.WriteLine(line);
                if (!multiLine)
                {
                    return ExitCodes.Ok;
                }
            }

            error.WriteLine($"tinyfence score: {options.SocketPath} closed the connection without an answer");
            return ExitCodes.Unavailable;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            error.WriteLine($"tinyfence score: no answer from {options.SocketPath}: {e.Message}");
            return ExitCodes.Unavailable;
        }
    }
}
