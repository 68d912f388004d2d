namespace Tinyfence.Alerts;

/// <summary>
/// What the queue holds: one alert, or a digest of alerts the rate limit held back. Only the
/// worker changes an entry after it was queued, always under the queue's lock.
/// </summary>
internal sealed class QueuedAlert
{
    private QueuedAlert(AlertMessage? single, List<AlertMessage>? held, IReadOnlyList<string> recipients)
    {
        Single = single;
        Held = held;
        Recipients = recipients;
    }

    /// <summary>The alert, or null for a digest.</summary>
    public AlertMessage? Single { get; }

    /// <summary>A digest's alerts, oldest first; null for a single alert.</summary>
    public List<AlertMessage>? Held { get; }

    /// <summary>Alerts held after the digest was full: counted, not kept.</summary>
    public int Omitted { get; set; }

    /// <summary>The recipients; empty: the settings' recipients at the time of sending.</summary>
    public IReadOnlyList<string> Recipients { get; set; }

    /// <summary>Made at the first attempt and kept, so a retried message is recognisably the same.</summary>
    public string? MessageId { get; set; }

    /// <summary>Not tried before this timestamp (after the server deferred it).</summary>
    public long NotBefore { get; set; }

    public TimeSpan Backoff { get; set; }

    public bool IsDigest => Held is not null;

    /// <summary>How many alerts this entry carries.</summary>
    public int Count => Held is null ? 1 : Held.Count + Omitted;

    public string Subject => Single?.Subject ?? $"digest of {Count} alerts";

    public static QueuedAlert ForAlert(AlertMessage message) => new(message, null, message.To);

    public static QueuedAlert ForDigest(IReadOnlyList<string> recipients) => new(null, [], recipients);
}
