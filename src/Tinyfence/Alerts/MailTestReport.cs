namespace Tinyfence.Alerts;

/// <summary>What <c>tinyfence mail-test</c> shows: whether the mail went, the dialogue (secrets redacted), and one line per stage.</summary>
/// <param name="Dialogue">The SMTP dialogue as MailKit's protocol log wrote it, one line each ("C: " client, "S: " server); AUTH secrets are "********".</param>
/// <param name="Summary">One line per stage, "stage: what the server said", ending with a "result:" line.</param>
public sealed record MailTestReport(bool Success, IReadOnlyList<string> Dialogue, string Summary);
