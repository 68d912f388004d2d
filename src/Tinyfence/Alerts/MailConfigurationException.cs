namespace Tinyfence.Alerts;

/// <summary>
/// Mail cannot go out until the operator fixes something on this side (a password file, a CA
/// file, the certificate trust): the message is kept and retried with backoff, since the fix
/// needs no restart (each connection re-reads those files).
/// </summary>
internal sealed class MailConfigurationException(string message) : Exception(message);
