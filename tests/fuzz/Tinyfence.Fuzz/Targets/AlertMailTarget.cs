using System.Text;
using MimeKit;
using Tinyfence.Actions;
using Tinyfence.Alerts;

namespace Tinyfence.Fuzz.Targets;

/// <summary>
/// The mail an alert becomes: a rule name, readings, event, host and subject prefix, each any
/// text (NUL-separated in the input), go through the alert text and the composer. Header
/// injection is impossible: the message on the wire has exactly the composer's headers, each
/// once, with no CR or LF inside a line, and its subject reads back as one line.
/// </summary>
public static class AlertMailTarget
{
    private static readonly string[] s_headers =
        ["From", "Date", "Subject", "Message-Id", "To", "Auto-Submitted", "X-Mailer", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"];

    private static readonly MailboxAddress s_from = new("tinyfence", "tinyfence@example.com");
    private static readonly DateTimeOffset s_when = new(2026, 12, 6, 11, 0, 0, TimeSpan.Zero);

    public static void Run(ReadOnlySpan<byte> input)
    {
        string[] fields = Encoding.UTF8.GetString(input).Split('\0');
        string Field(int index) => index < fields.Length ? fields[index] : "";

        var request = new AlertRequest(Field(0), "fuzz.conf:1", Field(2), "la1 > 4", Field(1), s_when);
        AlertMessage alert = AlertText.Compose(request, Field(3), "load 0.10");
        var settings = new MailSettings("127.0.0.1", 25, MailSecurity.None, "tinyfence@example.com", ["admin@example.com"])
        {
            SubjectPrefix = Field(4),
        };
        MimeMessage message = AlertComposer.Compose(settings, s_from, [new MailboxAddress("admin", "admin@example.com")],
            alert.Subject, AlertComposer.Body(alert.Body, 0, settings.QueueLimit), s_when, "1@example.com");

        using var wire = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, wire);
        CheckHeaders(wire.ToArray());

        wire.Position = 0;
        MimeMessage read = MimeMessage.Load(wire);
        InvariantViolationException.Check(read.Subject.AsSpan().IndexOfAny('\r', '\n') < 0, "the subject reads back as one line");
    }

    private static void CheckHeaders(byte[] wire)
    {
        int end = wire.AsSpan().IndexOf("\r\n\r\n"u8);
        InvariantViolationException.Check(end > 0, "the message has a header block");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in Encoding.Latin1.GetString(wire, 0, end).Split("\r\n"))
        {
            InvariantViolationException.Check(line.AsSpan().IndexOfAny('\r', '\n') < 0, "no CR or LF inside a header line");
            if (line.Length > 0 && line[0] is ' ' or '\t')
            {
                continue; // a folded continuation of the header before
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string name = colon > 0 ? line[..colon] : line;
            InvariantViolationException.Check(Array.Exists(s_headers, h => h.Equals(name, StringComparison.OrdinalIgnoreCase)),
                $"only the composer's headers reach the wire, found {name}");
            InvariantViolationException.Check(seen.Add(name), $"each header once, found {name} twice");
        }
    }
}
