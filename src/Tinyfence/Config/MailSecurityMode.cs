namespace Tinyfence.Config;

public enum MailSecurityMode
{
    /// <summary>Plain SMTP: for a relay on localhost only.</summary>
    None,

    /// <summary>SMTP, then STARTTLS before anything else is sent (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,
}
