using System.Text;

namespace Tinyfence.Alerts;

/// <summary>
/// Reads MailKit's protocol log ("C: ..." for the client, "S: ..." for the server) back into
/// command/reply pairs: what the server said at each stage. Pure, so it is tested on text.
/// Pipelined commands (MAIL FROM and the RCPT TOs sent in one go) pair with the replies in order;
/// the message itself between DATA's 354 and the lone "." is skipped; the (redacted) lines of a
/// SASL exchange belong to the AUTH command.
/// </summary>
internal static class SmtpDialogue
{
    public const string Greeting = "greeting";
    public const string MessageEnd = "message";

    /// <summary>The log as lines, without line ends or trailing empty lines.</summary>
    public static List<string> Lines(ReadOnlySpan<byte> log)
    {
        var lines = new List<string>();
        foreach (string line in Encoding.UTF8.GetString(log).Split('\n'))
        {
            lines.Add(line.TrimEnd('\r'));
        }

        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    public static List<SmtpExchange> Exchanges(IReadOnlyList<string> lines)
    {
        var exchanges = new List<SmtpExchange>();
        var pending = new Queue<string>();
        var reply = new List<string>();
        bool inMessage = false;
        string? saslCommand = null;
        bool greeted = false;
        foreach (string line in lines)
        {
            if (line.StartsWith("C: ", StringComparison.Ordinal))
            {
                string text = line[3..];
                if (inMessage)
                {
                    if (text == ".")
                    {
                        inMessage = false;
                        pending.Enqueue(MessageEnd);
                    }
                }
                else if (saslCommand is not null)
                {
                    // A SASL response (redacted): its reply is still AUTH's.
                    pending.Enqueue(saslCommand);
                }
                else
                {
                    pending.Enqueue(text);
                }
            }
            else if (line.StartsWith("S: ", StringComparison.Ordinal))
            {
                string text = line[3..];
                reply.Add(text);
                if (text.Length > 3 && text[3] == '-')
                {
                    continue; // more lines of this reply follow
                }

                string command = pending.Count > 0 ? pending.Dequeue() : greeted ? "(unprompted)" : Greeting;
                greeted = true;
                string joined = JoinReply(reply);
                reply.Clear();
                exchanges.Add(new SmtpExchange(command, joined));
                saslCommand = command.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase) && joined.StartsWith("334", StringComparison.Ordinal)
                    ? command : null;
                if (joined.StartsWith("354", StringComparison.Ordinal) && command.StartsWith("DATA", StringComparison.OrdinalIgnoreCase))
                {
                    inMessage = true;
                }
            }
        }

        return exchanges;
    }

    /// <summary><c>250-host</c>, <c>250-SIZE 100</c>, <c>250 HELP</c> → <c>250 host (SIZE 100, HELP)</c>.</summary>
    private static string JoinReply(List<string> lines)
    {
        string first = Text(lines[0], withCode: true);
        if (lines.Count == 1)
        {
            return first;
        }

        var rest = new List<string>(lines.Count - 1);
        for (int i = 1; i < lines.Count; i++)
        {
            rest.Add(Text(lines[i], withCode: false));
        }

        return $"{first} ({string.Join(", ", rest)})";
    }

    private static string Text(string line, bool withCode)
    {
        if (line.Length < 4 || (line[3] != '-' && line[3] != ' '))
        {
            return line;
        }

        return withCode ? string.Concat(line.AsSpan(0, 3), " ", line.AsSpan(4)) : line[4..];
    }
}
