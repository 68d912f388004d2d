using System.Net.Sockets;
using Tinyfence.Adapters;
using Tinyfence.Protocol;

namespace Tinyfence.Cli;

/// <summary>
/// Asks the daemon for a multi-line report (STATUS, METRICS) over its socket and hands over the
/// lines before the closing <c>END</c>: what <c>tinyfence status</c> and <c>tinyfence metrics</c>
/// share. Exit 0; 1 for an <c>ERR</c> reply; 69 when the daemon does not answer.
/// </summary>
internal static class DaemonReport
{
    public static int Fetch(Arguments options, string command, ReadOnlySpan<byte> request, TextWriter error, out List<string> lines)
    {
        lines = [];
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

                if (reply.IsEnd)
                {
                    return ExitCodes.Ok;
                }

                lines.Add(reply.Text);
            }

            error.WriteLine($"tinyfence {command}: {options.SocketPath} closed the connection before the end of the report");
            return ExitCodes.Unavailable;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            error.WriteLine($"tinyfence {command}: no answer from {options.SocketPath}: {e.Message} (is the daemon running with a server section or a table?)");
            return ExitCodes.Unavailable;
        }
    }
}
