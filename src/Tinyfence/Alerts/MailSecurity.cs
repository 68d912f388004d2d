namespace Tinyfence.Alerts;

/// <summary>How the SMTP connection is protected.</summary>
public enum MailSecurity
{
    /// <summary>Plain text (a local relay on 127.0.0.1, say): no TLS, even if the server offers it.</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS (port 587 or 25); mail is never sent if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte, "SMTPS" (port 465).</summary>
    Tls,
}
