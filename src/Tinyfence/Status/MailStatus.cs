namespace Tinyfence.Status;

/// <summary>The mail queue's counters since the daemon started.</summary>
public sealed class MailStatus
{
    /// <summary>Alerts not delivered yet: queued, being sent, or held for a digest.</summary>
    public int Queued { get; set; }

    public long Sent { get; set; }

    public long Failed { get; set; }

    public long Dropped { get; set; }

    /// <summary>Why the last attempt failed; null when none has.</summary>
    public string? LastError { get; set; }
}
