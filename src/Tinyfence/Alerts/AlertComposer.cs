using System.Text;
using MimeKit;
using MimeKit.Text;
using MimeKit.Utils;

namespace Tinyfence.Alerts;

/// <summary>Turns alerts into mail: one alert, or a digest of the alerts the rate limit held back.</summary>
internal static class AlertComposer
{
    /// <summary>A Message-Id in the sender's domain, made once per message so a retried message keeps it.</summary>
    public static string NewMessageId(MailboxAddress from) => MimeUtils.GenerateMessageId(from.Domain is { Length: > 0 } domain ? domain : "tinyfence.invalid");

    public static MimeMessage Compose(MailSettings settings, MailboxAddress from, IReadOnlyList<MailboxAddress> to,
        string subject, string body, DateTimeOffset date, string messageId)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.AddRange(to);
        string subjectLine = settings.SubjectPrefix.Length == 0 ? OneLine(subject) : $"{OneLine(settings.SubjectPrefix)} {OneLine(subject)}";
        if (SubjectEncoding.NeedsEncoding(subjectLine))
        {
            var header = new Header(HeaderId.Subject, "");
            header.SetRawValue(SubjectEncoding.RawValue(subjectLine));
            message.Headers.Replace(header);
        }
        else
        {
            message.Subject = subjectLine;
        }

        message.Date = date;
        message.MessageId = messageId;
        // RFC 3834: vacation responders and list servers must not answer an automatic message.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add(HeaderId.XMailer, $"tinyfence {VersionInfo.Version}");
        var part = new TextPart(TextFormat.Plain);
        part.SetText(Encoding.UTF8, body);
        message.Body = part;
        return message;
    }

    /// <summary>The body of one alert, after a note about alerts the full queue dropped, if any.</summary>
    public static string Body(string body, int droppedBefore, int queueLimit) => droppedBefore == 0
        ? body
        : $"{DroppedNote(droppedBefore, queueLimit)}\n\n{body}";

    public static string DigestSubject(int count, MailSettings settings) =>
        $"{count} alerts held by the mail rate limit ({RateText(settings)})";

    /// <summary>The held alerts oldest first: a list of subjects, then each alert in full.</summary>
    public static string DigestBody(IReadOnlyList<AlertMessage> held, int omitted, MailSettings settings, int droppedBefore)
    {
        var text = new StringBuilder();
        if (droppedBefore > 0)
        {
            text.Append(DroppedNote(droppedBefore, settings.QueueLimit)).Append("\n\n");
        }

        int total = held.Count + omitted;
        text.Append($"{MailText.Count(total, "alert", "alerts")} arrived while the mail rate limit ({RateText(settings)}) was reached; they are listed oldest first.\n\n");
        foreach (AlertMessage alert in held)
        {
            text.Append(MailText.Time(alert.Created)).Append("  ").Append(OneLine(alert.Subject)).Append('\n');
        }

        if (omitted > 0)
        {
            text.Append($"... and {MailText.Count(omitted, "more alert", "more alerts")}, not listed: the digest keeps at most {held.Count}.\n");
        }

        foreach (AlertMessage alert in held)
        {
            text.Append("\n--- ").Append(MailText.Time(alert.Created)).Append("  ").Append(OneLine(alert.Subject)).Append('\n');
            text.Append(alert.Body).Append('\n');
        }

        return text.ToString();
    }

    public static string RateText(MailSettings settings) => $"{settings.RateLimit} per {Config.DurationSyntax.Format(settings.RatePeriod)}";

    private static string DroppedNote(int dropped, int queueLimit) =>
        $"Note: {MailText.Count(dropped, "earlier alert was", "earlier alerts were")} dropped: the mail queue was full (limit {queueLimit}) while mail could not be delivered.";

    // A subject is one header line: a rule name or prefix spanning lines must not add headers.
    private static string OneLine(string text)
    {
        if (text.AsSpan().IndexOfAny('\r', '\n', '\t') < 0)
        {
            return text;
        }

        return text.ReplaceLineEndings(" ").Replace('\t', ' ');
    }
}
