namespace Tinyfence.Adapters;

/// <summary>How a <see cref="BodyPump"/> run ended.</summary>
public enum PumpOutcome
{
    /// <summary>The whole body was copied and flushed.</summary>
    Completed,

    /// <summary>Writing failed (EPIPE: Apache dropped the request); the rest was not read.</summary>
    OutputClosed,

    /// <summary>Reading the body failed; what was read was copied.</summary>
    InputFailed,
}
