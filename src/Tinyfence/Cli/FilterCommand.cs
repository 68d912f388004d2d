using System.Net.Sockets;
using Tinyfence.Adapters;
using Tinyfence.Protocol;
using Tinyfence.Table;

namespace Tinyfence.Cli;

/// <summary>
/// <c>tinyfence filter --table T --add N --patterns FILE</c>: the <c>mod_ext_filter</c> input
/// filter. Streams the body through unchanged; at the first pattern it adds N points to
/// <c>REMOTE_ADDR</c> and waits (up to a second) for the daemon to apply them, so the client's
/// next request is already judged with them.
/// </summary>
internal static class FilterCommand
{
    private static readonly TimeSpan s_daemonTimeout = TimeSpan.FromSeconds(1);

    public static int Run(Arguments options, TextWriter output, TextWriter error)
    {
        string table = options.Table();
        int points = options.Number("--add", 0, 1, TableSpec.MaxScore);
        if (points == 0)
        {
            throw new UsageException("--add is required (the points a matching body adds)");
        }

        PatternSet patterns = PatternSet.Load(options.Require("--patterns"));
        string? remote = Environment.GetEnvironmentVariable("REMOTE_ADDR");
        var pump = new BodyPump(new StreamMatcher(patterns));
        using Stream input = StandardStreams.Input();
        // Apache reads the bytes, not text: stdout as a stream.
        using Stream body = StandardStreams.Output();
        pump.Run(input, body, pattern =>
        {
            if (!IpKey.TryParse(System.Text.Encoding.ASCII.GetBytes(remote ?? ""), out IpKey client))
            {
                error.WriteLine($"tinyfence filter: {patterns.Describe(pattern)} matched, but REMOTE_ADDR '{remote}' is not an address");
                return;
            }

            error.WriteLine($"tinyfence filter: {patterns.Describe(pattern)} matched: +{points} to {client} in \"{table}\"");
            AddPoints(options.SocketPath, table, client, points, error);
        });
        if (pump.Failure is { } failure)
        {
            error.WriteLine($"tinyfence filter: the body was cut short: {failure.Message}");
        }

        return ExitCodes.Ok;
    }

    private static void AddPoints(string socketPath, string table, IpKey client, int points, TextWriter error)
    {
        try
        {
            using var connection = ScoreConnection.Open(socketPath, s_daemonTimeout);
            Span<byte> hit = stackalloc byte[RequestWriter.MaxHitLength];
            connection.Send(hit[..RequestWriter.Hit(RequestWriter.TableName(table), client, points, hit)]);
            Reply? reply = connection.ReadReply();
            if (reply is not { IsError: false })
            {
                error.WriteLine($"tinyfence filter: the daemon refused the hit: {reply?.Text ?? "no answer"}");
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ArgumentException)
        {
            error.WriteLine($"tinyfence filter: cannot reach the daemon at {socketPath}: {e.Message} (the points are lost; the body went through)");
        }
    }
}
