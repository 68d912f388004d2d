namespace Tinyfence.Config;

/// <summary>How mail is sent: the <c>mail { ... }</c> section. Hosting turns it into the Alerts settings.</summary>
public sealed record MailSection(SourceLocation Location, string Server, string From, IReadOnlyList<string> To) : ISingleSection
{
    public MailSecurityMode Security { get; init; } = MailSecurityMode.StartTls;

    /// <summary>The port; 0 takes the security's usual one (25, 587 or 465).</summary>
    public int Port { get; init; }

    public string? CaFile { get; init; }

    public bool VerifyCertificate { get; init; } = true;

    public string? User { get; init; }

    public string? PasswordFile { get; init; }

    public string SubjectPrefix { get; init; } = "[tinyfence]";

    public int RateLimit { get; init; } = 10;

    public TimeSpan RatePeriod { get; init; } = TimeSpan.FromHours(1);

    public int QueueLimit { get; init; } = 100;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public int EffectivePort => Port != 0 ? Port : Security switch
    {
        MailSecurityMode.None => 25,
        MailSecurityMode.Tls => 465,
        _ => 587,
    };
}
