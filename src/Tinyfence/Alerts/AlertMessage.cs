namespace Tinyfence.Alerts;

/// <summary>One alert to mail. <paramref name="Created"/> becomes the Date header: the time the alert fired, not the time it was finally delivered.</summary>
public sealed record AlertMessage(string Subject, string Body, DateTimeOffset Created)
{
    /// <summary>A rule's own recipients; empty means the settings' recipients (as they are when the message is sent).</summary>
    public IReadOnlyList<string> To { get; init; } = [];
}
