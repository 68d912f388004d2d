using System.Text;

namespace Tinyfence.Protocol;

/// <summary>
/// One reply line as a client reads it: an answer (<c>PONG</c>, <c>OK</c>, a score, <c>BLOCK</c>,
/// a TOP or STATS line), the <c>END</c> that closes a multi-line reply, or an error. The client
/// side of <see cref="ReplyWriter"/>: no client matches reply text itself.
/// </summary>
public readonly record struct Reply(string Text, ReplyError Error, bool IsEnd)
{
    public bool IsError => Error != ReplyError.None;

    /// <summary>Reads a reply line (without its newline).</summary>
    public static Reply Parse(ReadOnlySpan<byte> line)
    {
        string text = Encoding.ASCII.GetString(line);
        if (!line.StartsWith("ERR"u8))
        {
            return new Reply(text, ReplyError.None, IsEnd: line.SequenceEqual(ReplyText.End[..^1]));
        }

        return new Reply(text, ErrorOf(line), IsEnd: false);
    }

    private static ReplyError ErrorOf(ReadOnlySpan<byte> line)
    {
        for (ReplyError error = ReplyError.UnknownCommand; error < ReplyError.Other; error++)
        {
            if (line.SequenceEqual(ReplyText.ErrorLine(error)[..^1]))
            {
                return error;
            }
        }

        return ReplyError.Other;
    }
}
