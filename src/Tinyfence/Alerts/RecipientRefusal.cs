using MimeKit;

namespace Tinyfence.Alerts;

/// <summary>A RCPT TO the server refused, with its reply.</summary>
internal sealed record RecipientRefusal(MailboxAddress Mailbox, int Code, string Text)
{
    /// <summary>5xx: this recipient will never be accepted; 4xx: try again later.</summary>
    public bool IsPermanent => Code >= 500;

    /// <summary>The reply as the server wrote it: <c>550 5.1.1 &lt;x@y&gt;: Recipient address rejected</c>.</summary>
    public string Reply => SmtpReplies.Format(Code, Text);
}
