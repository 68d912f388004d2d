namespace Tinyfence.Alerts;

/// <summary>What a failure means for the message.</summary>
internal enum FailureKind
{
    /// <summary>The server cannot be reached or went away (refused, timed out, closed): keep everything, retry with backoff.</summary>
    Down,

    /// <summary>The server answered 4xx for this message: keep it, retry it later.</summary>
    Deferred,

    /// <summary>Something on this side needs fixing (password file, CA, trust, AUTH): keep everything, retry with backoff.</summary>
    Configuration,

    /// <summary>The server answered 5xx for this message: it will never be accepted; log and drop it.</summary>
    Permanent,
}
