// TEMPORARY: replaced by the Alerts concern's real files when merged.
#pragma warning disable CA1822, IDE0060
using Tinyfence.Logging;
namespace Tinyfence.Alerts;
public enum MailSecurity { None, StartTls, Tls }
public sealed record MailSettings(string Host, int Port, MailSecurity Security, string From, IReadOnlyList<string> To) {
    public string SubjectPrefix { get; init; } = "[tinyfence]";
    public string? User { get; init; }
    public string? PasswordFile { get; init; }
    public string? CaFile { get; init; }
    public bool VerifyCertificate { get; init; } = true;
    public int RateLimit { get; init; } = 10;
    public TimeSpan RatePeriod { get; init; } = TimeSpan.FromHours(1);
    public int QueueLimit { get; init; } = 100;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
public sealed record AlertMessage(string Subject, string Body, DateTimeOffset Created) { public IReadOnlyList<string> To { get; init; } = []; }
public sealed class MailQueue : IDisposable {
    public MailQueue(MailSettings settings, Logger log) { Settings = settings; }
    public void Enqueue(AlertMessage message) { }
    public bool Flush(TimeSpan maxWait) => true;
    public MailSettings Settings { get; set; }
    public int Pending => 0; public long Sent => 0; public long Dropped => 0;
    public void Dispose() { }
}
public static class MailTest { public static MailTestReport Send(MailSettings settings, AlertMessage message) => new(false, [], ""); }
public sealed record MailTestReport(bool Success, IReadOnlyList<string> Dialogue, string Summary);
