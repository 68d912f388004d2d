namespace Tinyfence.Alerts;

/// <summary>Where a session was when it failed: a failure's meaning depends on it.</summary>
internal enum SessionStage
{
    /// <summary>Reading files, resolving the host, opening the TCP connection.</summary>
    Connect,

    /// <summary>Greeting, EHLO, STARTTLS and the TLS handshake (MailKit's Connect).</summary>
    Handshake,

    Authenticate,

    /// <summary>MAIL FROM, RCPT TO, DATA: a refusal here is about the message.</summary>
    Send,
}
