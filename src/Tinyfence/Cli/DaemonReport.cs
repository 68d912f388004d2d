using System.Net.Sockets;
using Tinyfence.Adapters;
using Tinyfence.Protocol;

namespace Tinyfence.Cli;

/// <summary>
/// One request to the daemon over its socket, its reply lines written out: one line, or every line
/// before the closing <c>END</c> of a multi-line reply (TOP, STATS, STATUS, METRICS). What
/// <c>tinyfence score</c>, <c>status</c> and <c>metrics</c> share. Exit 0; 1 for an <c>ERR</c>
/// reply; 69 when the daemon does not answer.
/// </summary>
internal static class DaemonReport
{
    public static int Exchange(Arguments options, string command, ReadOnlySpan<byte> request, bool untilEnd, TextWriter output, TextWriter error)
    {
        var timeout = TimeSpan.FromSeconds(options.Number("--timeout", 5, 1, 3600));
        try
        {
            using var connection = ScoreConnection.Open(options.SocketPath, timeout);
            connection.Send(request);
            while (connection.ReadReply() is { } reply)
            {
                if (reply.IsError)
                {
                    error.WriteLine($"tinyfence {command}: {reply.Text}");
                    return ExitCodes.Failure;
                }

                if (untilEnd && reply.IsEnd)
                {
                    return ExitCodes.Ok;
                }

                output.WriteLine(reply.Text);
                if (!untilEnd)
                {
                    return ExitCodes.Ok;
                }
            }

            error.WriteLine($"tinyfence {command}: {options.SocketPath} closed the connection without a whole answer");
            return ExitCodes.Unavailable;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            error.WriteLine($"tinyfence {command}: no answer from {options.SocketPath}: {e.Message}");
            return ExitCodes.Unavailable;
        }
    }
}
