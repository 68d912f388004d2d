using System.Buffers;
using System.Globalization;
using System.Text;
using Tinyfence.Protocol;
using Tinyfence.Table;

namespace Tinyfence.Fuzz.Targets;

/// <summary>
/// The socket protocol, one line after another as a session sends them, through the request
/// parser and the dispatcher over a real table. A request the parser accepts re-serialises (the
/// writer's line parses to the same request); every reply is whole lines the client's reader
/// knows; the table never holds more than its capacity.
/// </summary>
public static class ProtocolTarget
{
    // Small, so a few lines fill it and eviction runs; /64 so IPv6 addresses are folded.
    private static readonly TableSpec s_spec = new("web", TableSpec.MinCapacity, 3, 86_400, 15, 64);

    public static void Run(ReadOnlySpan<byte> input)
    {
        using ScoreTable table = ScoreTable.CreatePrivate(s_spec, 0x5eed, 0xf00d);
        var dispatcher = new RequestDispatcher(clockAdjustable: true);
        dispatcher.UseTables([table]);
        var session = new SessionState();
        var reply = new ArrayBufferWriter<byte>();
        foreach (Range range in input.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = input[range];
            CheckRoundTrip(line);

            reply.Clear();
            bool quietBefore = session.Quiet;
            dispatcher.Handle(line, reply, ref session);
            CheckReply(reply.WrittenSpan, quietBefore);
            InvariantViolationException.Check(table.Count <= s_spec.Capacity, "the table never holds more than its capacity");
        }
    }

    private static void CheckRoundTrip(ReadOnlySpan<byte> line)
    {
        if (RequestParser.TryParse(line, out Request request) != ParseStatus.Ok)
        {
            return;
        }

        var words = new List<string> { request.Verb.ToString().ToUpperInvariant() };
        if (!request.Table.IsEmpty)
        {
            words.Add(Encoding.ASCII.GetString(request.Table));
        }

        if (!request.Key.IsEmpty)
        {
            Span<byte> address = stackalloc byte[IpKey.MaxTextLength];
            words.Add(Encoding.ASCII.GetString(address[..request.Key.Format(address)]));
        }

        if (request.HasNumber)
        {
            words.Add(request.Number.ToString(CultureInfo.InvariantCulture));
        }

        byte[]? written = RequestWriter.Words(words);
        InvariantViolationException.Check(written is not null, "the writer writes every request the parser accepts");
        ParseStatus again = RequestParser.TryParse(written.AsSpan(0, written!.Length - 1), out Request reparsed);
        InvariantViolationException.Check(again == ParseStatus.Ok && reparsed.Verb == request.Verb && reparsed.Table.SequenceEqual(request.Table)
            && reparsed.Key == request.Key && reparsed.Number == request.Number && reparsed.HasNumber == request.HasNumber,
            "a parsed request re-serialises to the same request");
    }

    private static void CheckReply(ReadOnlySpan<byte> reply, bool quiet)
    {
        if (reply.IsEmpty)
        {
            InvariantViolationException.Check(quiet, "only a quiet session gets no reply");
            return;
        }

        InvariantViolationException.Check(reply[^1] == (byte)'\n', "a reply ends with a newline");
        foreach (Range range in reply[..^1].Split((byte)'\n'))
        {
            Reply parsed = Reply.Parse(reply[range]);
            InvariantViolationException.Check(parsed.Error != ReplyError.Other, "every error line is one the client's reader knows");
        }
    }
}
