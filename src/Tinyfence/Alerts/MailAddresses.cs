using System.Diagnostics.CodeAnalysis;
using MimeKit;

namespace Tinyfence.Alerts;

/// <summary>Mail addresses as the config gives them: <c>a@b.org</c> or <c>Ops &lt;a@b.org&gt;</c>.</summary>
internal static class MailAddresses
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out MailboxAddress? mailbox, [NotNullWhen(false)] out string? error)
    {
        mailbox = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "address is empty";
            return false;
        }

        if (text.AsSpan().IndexOfAny('\r', '\n') >= 0 || !MailboxAddress.TryParse(text, out MailboxAddress? parsed)
            || !parsed.Address.Contains('@', StringComparison.Ordinal))
        {
            error = $"'{text}' is not a mail address such as ops@example.org";
            return false;
        }

        mailbox = parsed;
        error = null;
        return true;
    }

    /// <summary>Just the addresses, for log lines: <c>a@b, c@d</c>.</summary>
    public static string Join(IEnumerable<MailboxAddress> mailboxes) => string.Join(", ", mailboxes.Select(m => m.Address));
}
