namespace Tinyfence.Alerts;

/// <summary>
/// Where and how alerts are mailed. A config reload builds a new instance and hands it to
/// <see cref="MailQueue.Settings"/>; queued mail is kept and goes out with the new settings.
/// </summary>
public sealed record MailSettings(string Host, int Port, MailSecurity Security, string From, IReadOnlyList<string> To)
{
    /// <summary>Put before every subject, followed by a space; empty for none.</summary>
    public string SubjectPrefix { get; init; } = "[tinyfence]";

    /// <summary>AUTH only when set (PLAIN, LOGIN or SCRAM; never NTLM or GSSAPI).</summary>
    public string? User { get; init; }

    /// <summary>
    /// The password, first line of this file. Read each time a connection authenticates, so a
    /// changed file is picked up without a reload; refused if group or others may read or write it.
    /// </summary>
    public string? PasswordFile { get; init; }

    /// <summary>Extra trusted CA certificates (PEM), e.g. a private CA; trusted besides the system bundle.</summary>
    public string? CaFile { get; init; }

    /// <summary>Off only for a test set-up: anyone on the path can then read and change the mail.</summary>
    public bool VerifyCertificate { get; init; } = true;

    /// <summary>At most this many messages per <see cref="RatePeriod"/>; the rest wait in one digest. 0 or less: no limit.</summary>
    public int RateLimit { get; init; } = 10;

    public TimeSpan RatePeriod { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Messages kept while the server is unreachable; past it the oldest are dropped.</summary>
    public int QueueLimit { get; init; } = 100;

    /// <summary>Per SMTP operation: the connection, the TLS handshake, and each command's answer.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long shutdown waits for queued mail to go out.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What is wrong with these settings, one sentence each; empty when they can be used. For
    /// the config checker: the queue itself takes any settings and reports failures when it sends.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Host))
        {
            errors.Add("the SMTP server's host name is empty");
        }

        if (Port is < 1 or > 65535)
        {
            errors.Add($"port {Port} is not between 1 and 65535");
        }

        if (!MailAddresses.TryParse(From, out _, out string? fromError))
        {
            errors.Add($"sender {fromError}");
        }

        if (To.Count == 0)
        {
            errors.Add("no recipient");
        }

        foreach (string address in To)
        {
            if (!MailAddresses.TryParse(address, out _, out string? toError))
            {
                errors.Add($"recipient {toError}");
            }
        }

        if (User is null && PasswordFile is not null)
        {
            errors.Add("a password file without a user: set the user too");
        }

        if (User is not null && PasswordFile is null)
        {
            errors.Add($"user '{User}' without a password file");
        }

        if (RateLimit > 0 && RatePeriod <= TimeSpan.Zero)
        {
            errors.Add("the rate limit's period must be longer than zero");
        }

        if (QueueLimit < 1)
        {
            errors.Add($"the queue limit must be at least 1 (is {QueueLimit})");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add("the SMTP timeout must be longer than zero");
        }

        if (FlushTimeout < TimeSpan.Zero)
        {
            errors.Add("the flush timeout cannot be negative");
        }

        return errors;
    }

    /// <summary>Why the password file would be refused (missing, unreadable, open to others, empty); null when it is fine or there is none.</summary>
    public string? CheckPasswordFile()
    {
        if (PasswordFile is null)
        {
            return null;
        }

        try
        {
            Tinyfence.Alerts.PasswordFile.Read(PasswordFile);
            return null;
        }
        catch (MailConfigurationException e)
        {
            return e.Message;
        }
    }
}
