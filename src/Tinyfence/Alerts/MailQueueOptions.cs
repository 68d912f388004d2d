namespace Tinyfence.Alerts;

/// <summary>
/// The queue's knobs that are not configuration: the backoff schedule, the idle time after which
/// a connection is closed, the clock, and where the system CA bundle may be. Tests shorten and
/// fake them; the product uses <see cref="Default"/>.
/// </summary>
internal sealed record MailQueueOptions
{
    public static readonly MailQueueOptions Default = new();

    /// <summary>First wait after a failure; doubles up to <see cref="MaxBackoff"/>, and starts over after a delivery.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A connection is reused while mail flows and closed after this long without any.</summary>
    public TimeSpan IdleClose { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long Dispose waits for the worker thread to end.</summary>
    public TimeSpan StopWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for the rate limit, the backoff and the idle close.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the system CA bundle may be; null: <see cref="TrustStore.SystemBundleCandidates"/>.</summary>
    public IReadOnlyList<string>? SystemBundleCandidates { get; init; }
}
