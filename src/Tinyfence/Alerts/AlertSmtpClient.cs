using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace Tinyfence.Alerts;

/// <summary>
/// MailKit's client, made to carry on when a recipient is refused: the refusal is recorded (with
/// the server's own words) and the message still goes to the recipients that were accepted.
/// MailKit's default would abort the whole message on the first refused RCPT.
/// </summary>
internal sealed class AlertSmtpClient(IProtocolLogger logger) : SmtpClient(logger)
{
    private readonly List<MailboxAddress> _accepted = [];
    private readonly List<RecipientRefusal> _refused = [];

    public IReadOnlyList<MailboxAddress> Accepted => _accepted;

    public IReadOnlyList<RecipientRefusal> Refused => _refused;

    /// <summary>Forgets the previous message's recipients.</summary>
    public void BeginMessage()
    {
        _accepted.Clear();
        _refused.Clear();
    }

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        _accepted.Add(mailbox);

    // Not calling base: it throws, which would abort the message for every recipient.
    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        _refused.Add(new RecipientRefusal(mailbox, (int)response.StatusCode, response.Response));

    // With no recipient accepted MailKit throws "No recipients were accepted" after this; the
    // session turns that into per-recipient outcomes from Refused.
    protected override void OnNoRecipientsAccepted(MimeMessage message)
    {
    }
}
