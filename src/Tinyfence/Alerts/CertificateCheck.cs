namespace Tinyfence.Alerts;

/// <summary>The verdict on a server's certificate, and what it says, for logs and <c>mail-test</c>.</summary>
internal sealed record CertificateCheck(bool Trusted, string? Failure, string Subject, string Issuer, DateTimeOffset NotAfter)
{
    /// <summary>On success, why it was accepted.</summary>
    public string? Note { get; init; }
}
