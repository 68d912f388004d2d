using System.Globalization;
using System.Security.Authentication;
using MailKit;
using MimeKit;

namespace Tinyfence.Alerts;

/// <summary>
/// Sends one message now, synchronously, with one attempt and no retry, and reports what the
/// server said at each stage: connection, TLS (protocol, cipher, certificate), EHLO, STARTTLS,
/// AUTH, MAIL FROM, each RCPT TO, DATA. The password is never shown: MailKit's protocol logger
/// redacts what its SMTP secret detector marks during AUTH.
/// </summary>
public static class MailTest
{
    /// <summary>Success means the server accepted the message for every recipient.</summary>
    public static MailTestReport Send(MailSettings settings, AlertMessage message) => Send(settings, message, systemBundleCandidates: null);

    internal static MailTestReport Send(MailSettings settings, AlertMessage message, IReadOnlyList<string>? systemBundleCandidates)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(message);
        using var log = new MemoryStream();
        var stages = new List<string>();
        string result;
        bool success = false;
        using (var protocolLog = new ProtocolLogger(log, leaveOpen: true) { RedactSecrets = true })
        using (var session = new SmtpSession(settings, new TrustStore(systemBundleCandidates), protocolLog))
        {
            Delivery? delivery = null;
            MailFailure? failure = null;
            try
            {
                if (!MailAddresses.TryParse(settings.From, out MailboxAddress? from, out string? fromError))
                {
                    throw new MailConfigurationException($"sender {fromError}");
                }

                List<MailboxAddress> recipients = Recipients(message.To.Count > 0 ? message.To : settings.To);
                session.Open(CancellationToken.None);
                MimeMessage mime = AlertComposer.Compose(settings, from, recipients, message.Subject, message.Body, message.Created,
                    AlertComposer.NewMessageId(from));
                delivery = session.Send(mime, from, recipients, CancellationToken.None);
                session.Quit();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failure = MailFailure.From(e, session, settings);
            }

            List<string> dialogue = SmtpDialogue.Lines(log.ToArray());
            stages.Add(ConnectLine(settings, session, failure));
            AddExchanges(stages, SmtpDialogue.Exchanges(dialogue), settings, session);
            if (settings.Security == MailSecurity.Tls && session.Stage > SessionStage.Connect && !stages.Exists(s => s.StartsWith("TLS:", StringComparison.Ordinal)))
            {
                stages.Insert(1, TlsLine(session));
            }

            if (failure is not null)
            {
                result = $"failed: {failure.Reason}";
            }
            else if (delivery!.Refused.Count == 0)
            {
                success = true;
                result = $"delivered to {MailAddresses.Join(delivery.Accepted)}";
            }
            else
            {
                string refused = string.Join(", ", delivery.Refused.Select(r => r.Mailbox.Address));
                result = delivery.DataReply is null
                    ? $"not delivered: every recipient was refused ({refused})"
                    : $"delivered to {MailAddresses.Join(delivery.Accepted)}; refused: {refused}";
            }

            stages.Add($"result: {result}");
            return new MailTestReport(success, dialogue, string.Join('\n', stages));
        }
    }

    private static List<MailboxAddress> Recipients(IReadOnlyList<string> addresses)
    {
        var recipients = new List<MailboxAddress>();
        foreach (string address in addresses)
        {
            if (!MailAddresses.TryParse(address, out MailboxAddress? mailbox, out string? error))
            {
                throw new MailConfigurationException($"recipient {error}");
            }

            recipients.Add(mailbox);
        }

        return recipients.Count > 0 ? recipients : throw new MailConfigurationException("no recipient");
    }

    private static string ConnectLine(MailSettings settings, SmtpSession session, MailFailure? failure)
    {
        string where = $"connect: {settings.Host} port {settings.Port.ToString(CultureInfo.InvariantCulture)} ({SecurityText(settings.Security)})";
        if (session.RemoteAddress is { } address)
        {
            return $"{where}: connected to {address}";
        }

        return failure is null ? where : $"{where}: {failure.Reason}";
    }

    private static void AddExchanges(List<string> stages, List<SmtpExchange> exchanges, MailSettings settings, SmtpSession session)
    {
        for (int i = 0; i < exchanges.Count; i++)
        {
            SmtpExchange exchange = exchanges[i];
            string command = exchange.Command;
            if (command.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase))
            {
                // A SASL exchange is several round trips; the last reply is the verdict.
                while (i + 1 < exchanges.Count && exchanges[i + 1].Command == command)
                {
                    exchange = exchanges[++i];
                }

                command = $"AUTH {session.AuthMechanism ?? command[5..].Split(' ')[0]} as {settings.User}";
            }

            stages.Add($"{command}: {exchange.Reply}");
            if (exchange.Command.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase) && exchange.Reply.StartsWith("220", StringComparison.Ordinal))
            {
                stages.Add(TlsLine(session));
            }
        }
    }

    private static string TlsLine(SmtpSession session)
    {
        CertificateCheck? check = session.Certificate;
        string protocol = session.TlsProtocol switch
        {
            SslProtocols.Tls13 => "TLS 1.3",
            SslProtocols.Tls12 => "TLS 1.2",
            SslProtocols.None => "",
            var other => other.ToString(),
        };
        // No protocol: the handshake did not finish (the certificate was refused, or the server went away).
        string connection = protocol.Length == 0 ? "" : $"{protocol}, {session.TlsCipherSuite}; ";
        if (check is null)
        {
            return protocol.Length == 0 ? "TLS: handshake failed before a certificate was seen" : $"TLS: {connection}no certificate checked";
        }

        string certificate = $"certificate \"{check.Subject}\" issued by \"{check.Issuer}\", valid until {check.NotAfter:yyyy-MM-dd}";
        return check.Trusted
            ? $"TLS: {connection}{certificate}: {check.Note}"
            : $"TLS: {connection}{certificate}: REFUSED: {check.Failure}";
    }

    private static string SecurityText(MailSecurity security) => security switch
    {
        MailSecurity.StartTls => "STARTTLS",
        MailSecurity.Tls => "implicit TLS",
        _ => "no TLS",
    };
}
